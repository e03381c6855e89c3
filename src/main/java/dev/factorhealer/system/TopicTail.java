package dev.factorhealer.system;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a one-partition state topic (the remediation mode, the brake, the deletion
 * ledger) from its start and follows it, on a thread of its own, outside any consumer
 * group. Every replica reads the same records in the same order, so all of them reach the
 * same state; whoever reads must know when it has seen everything written before it
 * started, hence {@link Reader#caughtUp()}. After an error the topic is opened again and
 * read on after the last record applied: a state is never applied twice and never
 * skipped.
 */
public final class TopicTail {

	private static final Logger log = LoggerFactory.getLogger(TopicTail.class);

	private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	/** What is done with the records, in log order, on the tail's thread. */
	public interface Reader {

		/**
		 * One record.
		 * @param replaying whether it was written before the tail started (nothing to
		 * announce)
		 */
		void apply(ConsumerRecord<String, byte[]> record, boolean replaying);

		/**
		 * Every record before {@code nextOffset} has been applied (also after an empty
		 * poll).
		 */
		default void reached(long nextOffset) {
		}

		/** Every record written before the tail started has been applied; called once. */
		default void caughtUp() {
		}

	}

	private final String name;

	private final TopicPartition partition;

	private final Supplier<Consumer<String, byte[]>> consumers;

	private final Duration pollTimeout;

	private final Reader reader;

	private volatile boolean running;

	private volatile Consumer<String, byte[]> consumer;

	private long next = -1;

	private boolean caughtUp;

	private Thread thread;

	/**
	 * @param name the thread's name, also in log lines
	 * @param consumers a new consumer (no group) each time the topic is opened
	 */
	public TopicTail(String name, String topic, Supplier<Consumer<String, byte[]>> consumers, Duration pollTimeout,
			Reader reader) {
		this.name = name;
		this.partition = new TopicPartition(topic, 0);
		this.consumers = consumers;
		this.pollTimeout = pollTimeout;
		this.reader = reader;
	}

	public void start() {
		this.running = true;
		this.thread = new Thread(this::run, this.name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** Stops reading and waits up to {@code wait} for the thread to end. */
	public void stop(Duration wait) {
		this.running = false;
		Consumer<String, byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
		if (this.thread != null) {
			try {
				this.thread.join(wait.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	public boolean isRunning() {
		return this.running;
	}

	private void run() {
		while (this.running) {
			try (Consumer<String, byte[]> current = this.consumers.get()) {
				this.consumer = current;
				if (this.running) {
					follow(current);
				}
			}
			catch (WakeupException ex) {
				// stopping
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				log.warn("{}: reading {} failed, reading on after offset {} in {}s: {}", this.name,
						this.partition.topic(), this.next - 1, RETRY_AFTER.toSeconds(), ex.toString());
				pause();
			}
		}
	}

	private void follow(Consumer<String, byte[]> current) {
		List<TopicPartition> partitions = List.of(this.partition);
		current.assign(partitions);
		if (this.next >= 0) {
			current.seek(this.partition, this.next);
		}
		else {
			current.seekToBeginning(partitions);
		}
		long end = this.caughtUp ? -1 : current.endOffsets(partitions, Duration.ofSeconds(10)).get(this.partition);
		while (this.running) {
			// before the poll: a tail already at the end (an empty topic at start-up) is
			// caught up at once rather than after a poll that waits its whole timeout
			this.next = current.position(this.partition);
			this.reader.reached(this.next);
			if (!this.caughtUp && this.next >= end) {
				this.caughtUp = true;
				this.reader.caughtUp();
			}
			for (ConsumerRecord<String, byte[]> record : current.poll(this.pollTimeout)) {
				this.reader.apply(record, !this.caughtUp);
				this.next = record.offset() + 1;
			}
		}
	}

	private void pause() {
		try {
			Thread.sleep(RETRY_AFTER.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

}
