package dev.factorhealer.systemlog;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaAdmin;

/**
 * Leader election: the one member of the lease group assigned partition 0 of the cursor
 * topic polls. The lease consumer also reads that partition back to its end when the
 * lease is gained, because the cursor lives there, and hands the org's last cursor record
 * to its {@link Holder} before it counts as leading. It is polled on the poller's one
 * thread only, between pages, so the lease cannot change hands while a page is in flight;
 * {@link #isLeading()} and {@link #wakeup()} are safe from other threads.
 */
final class SystemLogLease {

	private static final Logger log = LoggerFactory.getLogger(SystemLogLease.class);

	/**
	 * Longest wait in the lease consumer's poll, so that lease changes and stops are seen
	 * quickly.
	 */
	static final Duration IDLE_WAIT = Duration.ofSeconds(1);

	/** Wait in the lease consumer's poll while reading the cursor back. */
	static final Duration RESTORE_WAIT = Duration.ofMillis(100);

	/** The lease, and the cursor, are partition 0 of the cursor topic. */
	static final int CURSOR_PARTITION = 0;

	private enum State {

		/** Another replica polls (or none is assigned yet). */
		FOLLOWING,

		/** This replica holds the lease and reads the cursor back. */
		RESTORING,

		/** This replica polls. */
		LEADING

	}

	/**
	 * Told once the lease is gained and the cursor read back, just before this replica
	 * leads.
	 */
	@FunctionalInterface
	interface Holder {

		/**
		 * @param lastCursor the value of the last record of this org's cursor key,
		 * {@code null} when there is none
		 */
		void gained(byte[] lastCursor);

	}

	private final Map<String, Object> consumerConfig;

	private final KafkaAdmin admin;

	private final NewTopic cursorTopic;

	private final TopicPartition partition;

	private final String cursorKey;

	private final String group;

	private final Holder holder;

	private volatile KafkaConsumer<String, byte[]> consumer;

	private volatile State state = State.FOLLOWING;

	// the poll thread's own state while restoring

	private long restoreEnd;

	private byte[] restored;

	/**
	 * @param consumerConfig the lease consumer's settings, the lease group among them
	 * @param cursorKey the key of this org's cursor record
	 * @param group the lease group, for the log lines
	 */
	SystemLogLease(Map<String, Object> consumerConfig, KafkaAdmin admin, NewTopic cursorTopic, String cursorKey,
			String group, Holder holder) {
		this.consumerConfig = Map.copyOf(consumerConfig);
		this.admin = admin;
		this.cursorTopic = cursorTopic;
		this.partition = new TopicPartition(cursorTopic.name(), CURSOR_PARTITION);
		this.cursorKey = cursorKey;
		this.group = group;
		this.holder = holder;
	}

	/** Whether this replica holds the lease and has read the cursor back. */
	boolean isLeading() {
		return this.state == State.LEADING;
	}

	TopicPartition partition() {
		return this.partition;
	}

	/**
	 * Joins the lease group unless a member already, then polls the lease consumer: for
	 * at most {@code untilDue} (and {@link #IDLE_WAIT}) while leading,
	 * {@link #RESTORE_WAIT} while reading the cursor back, {@link #IDLE_WAIT} while
	 * following.
	 */
	void poll(Duration untilDue) {
		KafkaConsumer<String, byte[]> current = this.consumer;
		if (current == null) {
			this.admin.createOrModifyTopics(this.cursorTopic);
			current = new KafkaConsumer<>(this.consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
			this.consumer = current;
			current.subscribe(List.of(this.partition.topic()), new Listener(current));
		}
		ConsumerRecords<String, byte[]> records = current.poll(waitFor(untilDue));
		if (this.state == State.RESTORING) {
			for (ConsumerRecord<String, byte[]> record : records) {
				if (record.partition() == CURSOR_PARTITION && this.cursorKey.equals(record.key())) {
					this.restored = record.value();
				}
			}
			if (current.position(this.partition) >= this.restoreEnd) {
				restored();
			}
		}
	}

	private Duration waitFor(Duration untilDue) {
		return switch (this.state) {
			case FOLLOWING -> IDLE_WAIT;
			case RESTORING -> RESTORE_WAIT;
			case LEADING ->
				untilDue.isNegative() ? Duration.ZERO : (untilDue.compareTo(IDLE_WAIT) < 0) ? untilDue : IDLE_WAIT;
		};
	}

	/** Cuts a poll of the lease consumer short (from any thread). */
	void wakeup() {
		KafkaConsumer<String, byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
	}

	/** Leaves the group, so that another replica takes the lease within a rebalance. */
	void release() {
		KafkaConsumer<String, byte[]> current = this.consumer;
		this.consumer = null;
		if (current != null) {
			// a stop may have interrupted the thread: leave the group cleanly all the
			// same
			boolean interrupted = Thread.interrupted();
			try {
				current.close(CloseOptions.timeout(Duration.ofSeconds(5)));
			}
			catch (RuntimeException ex) {
				log.debug("System Log lease consumer did not close cleanly: {}", SystemLogPoller.describe(ex));
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}
		lost("released");
	}

	private void gained(KafkaConsumer<String, byte[]> leaseConsumer) {
		leaseConsumer.seekToBeginning(List.of(this.partition));
		long begin = leaseConsumer.beginningOffsets(List.of(this.partition)).get(this.partition);
		this.restoreEnd = leaseConsumer.endOffsets(List.of(this.partition)).get(this.partition);
		this.restored = null;
		this.state = State.RESTORING;
		log.info("System Log lease gained ({}, group {}): reading the cursor back", this.partition, this.group);
		if (this.restoreEnd <= begin) {
			// nothing to read back
			restored();
		}
	}

	private void restored() {
		byte[] last = this.restored;
		this.restored = null;
		this.holder.gained(last);
		this.state = State.LEADING;
	}

	private void lost(String how) {
		if (this.state != State.FOLLOWING) {
			this.state = State.FOLLOWING;
			log.info("System Log lease {} ({}): this replica stops polling", how, this.partition);
		}
	}

	/** The lease changes hands in the lease consumer's rebalances. */
	private final class Listener implements ConsumerRebalanceListener {

		private final KafkaConsumer<String, byte[]> leaseConsumer;

		Listener(KafkaConsumer<String, byte[]> leaseConsumer) {
			this.leaseConsumer = leaseConsumer;
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			if (partitions.contains(SystemLogLease.this.partition)) {
				gained(this.leaseConsumer);
			}
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			if (partitions.contains(SystemLogLease.this.partition)) {
				lost("revoked");
			}
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			if (partitions.contains(SystemLogLease.this.partition)) {
				lost("lost");
			}
		}

	}

}
