package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;

import dev.factorhealer.system.TopicTail;

/**
 * The deletion ledger: one Kafka partition ({@code okta.remediation.deletions}) on which
 * every DELETE is claimed before it is sent and marked once its outcome is known. It is
 * the single order that all replicas read, so it gives the deployment one blast-radius
 * cap (each claim is decided by {@link DeletionCap} in log order, the same way by
 * everyone, and again after a restart) and it remembers, for each remediation request,
 * which factors it claimed and deleted and whether its result was recorded: a request
 * delivered again after its DELETE (results topic down, crash before the commit, a
 * replay) is recognised as done instead of being re-checked into a {@code NOT_PENDING}
 * that would hide the deletion.
 *
 * <p>
 * A claim waits until this replica's reader has read the claim itself, then answers with
 * the decision. If Kafka does not answer before the request's deadline, the claim is
 * refused: no DELETE without its claim on the ledger.
 */
final class DeletionLedger implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DeletionLedger.class);

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long the ledger keeps a claim: far beyond the cap's hour, so that a request
	 * replayed days later is recognised.
	 */
	static final Duration RETENTION = Duration.ofDays(7);

	/** What happened to one claimed DELETE, in the order it happens. */
	enum State {

		/**
		 * A DELETE is about to be sent (granted or not: the cap decides when it is read).
		 */
		CLAIMED,

		/**
		 * Okta definitively did not delete (404, another 4xx, nothing sent): the slot is
		 * free again.
		 */
		RELEASED,

		/**
		 * Okta confirmed the DELETE (204), or the factor vanished after this claim's
		 * DELETE.
		 */
		DELETED,

		/**
		 * The request's result is on the results topic: a redelivery has nothing left to
		 * do.
		 */
		RECORDED

	}

	/** One ledger record; keyed by {@code claimId}. */
	record Entry(String claimId, String requestId, String userId, String factorId, State state, Instant at) {
	}

	/** A claim and the cap's decision on it. */
	record Claim(String claimId, String requestId, String userId, String factorId, boolean granted) {
	}

	/** What the ledger knows of one request. */
	record History(Set<String> claimed, List<String> deleted, boolean recorded) {

		static final History NONE = new History(Set.of(), List.of(), false);

	}

	private final KafkaOperations<String, byte[]> producer;

	private final String topic;

	private final ObjectMapper mapper;

	private final Clock clock;

	private final DeletionCap cap;

	private final Object lock = new Object();

	private final Map<String, Boolean> decisions = new HashMap<>();

	private final Map<String, History> requests = new HashMap<>();

	private long nextOffset;

	private final TopicTail tail;

	DeletionLedger(KafkaOperations<String, byte[]> producer, Supplier<Consumer<String, byte[]>> consumers, String topic,
			ObjectMapper mapper, Clock clock, int maxDeletionsPerHour) {
		this.producer = producer;
		this.tail = new TopicTail("deletion-ledger-reader", topic, consumers, Duration.ofMillis(200),
				new TopicTail.Reader() {

					@Override
					public void apply(ConsumerRecord<String, byte[]> record, boolean replaying) {
						DeletionLedger.this.apply(record);
					}

					@Override
					public void reached(long nextOffset) {
						DeletionLedger.this.reached(nextOffset);
					}

				});
		this.topic = topic;
		this.mapper = mapper;
		this.clock = clock;
		this.cap = new DeletionCap(maxDeletionsPerHour);
	}

	/**
	 * Claims a slot for one DELETE and waits for the cap's decision.
	 * @return the claim; not granted when the cap is used up or the ledger could not be
	 * reached before the deadline
	 */
	Claim claim(String requestId, String userId, String factorId, Instant deadline) {
		Entry entry = new Entry(UUID.randomUUID().toString(), requestId, userId, factorId, State.CLAIMED,
				this.clock.instant());
		Long offset = write(entry, Duration.between(this.clock.instant(), deadline));
		if (offset == null) {
			return new Claim(entry.claimId(), requestId, userId, factorId, false);
		}
		synchronized (this.lock) {
			try {
				while (this.nextOffset <= offset && this.clock.instant().isBefore(deadline)) {
					this.lock
						.wait(Math.max(1, Math.min(500, Duration.between(this.clock.instant(), deadline).toMillis())));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			Boolean granted = this.decisions.get(entry.claimId());
			if (granted == null) {
				log.warn("Deletion ledger: claim for user {} factor {} not read back before the deadline; no DELETE",
						userId, factorId);
			}
			return new Claim(entry.claimId(), requestId, userId, factorId, Boolean.TRUE.equals(granted));
		}
	}

	/** Okta definitively did not delete: the claim's slot is handed back. */
	void release(Claim claim) {
		mark(claim, State.RELEASED);
	}

	/** Okta confirmed the DELETE (or the factor vanished after it). */
	void deleted(Claim claim) {
		mark(claim, State.DELETED);
	}

	/** The request's result is recorded on the results topic. */
	void recorded(String requestId, String userId) {
		write(new Entry(UUID.randomUUID().toString(), requestId, userId, null, State.RECORDED, this.clock.instant()),
				WRITE_TIMEOUT);
	}

	History history(String requestId) {
		synchronized (this.lock) {
			return this.requests.getOrDefault(requestId, History.NONE);
		}
	}

	/** Deletions in the last hour, as this replica has read them. */
	int used() {
		synchronized (this.lock) {
			return this.cap.used(this.clock.instant());
		}
	}

	int max() {
		return this.cap.max();
	}

	private void mark(Claim claim, State state) {
		Long offset = write(new Entry(claim.claimId(), claim.requestId(), claim.userId(), claim.factorId(), state,
				this.clock.instant()), WRITE_TIMEOUT);
		if (offset == null) {
			log.error("Deletion ledger: could not record {} for user {} factor {}", state, claim.userId(),
					claim.factorId());
		}
	}

	private Long write(Entry entry, Duration timeout) {
		try {
			ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.topic, 0, entry.at().toEpochMilli(),
					entry.claimId(), this.mapper.writeValueAsBytes(entry));
			RecordMetadata metadata = this.producer.send(record)
				.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
				.getRecordMetadata();
			return metadata.offset();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			log.warn("Deletion ledger: could not write {} for user {}: {}", entry.state(), entry.userId(),
					ex.toString());
			return null;
		}
	}

	/**
	 * Everything before {@code next} is applied: claims waiting for their decision may
	 * look.
	 */
	private void reached(long next) {
		synchronized (this.lock) {
			this.nextOffset = Math.max(this.nextOffset, next);
			this.lock.notifyAll();
		}
	}

	private void apply(ConsumerRecord<String, byte[]> record) {
		Entry entry;
		try {
			entry = this.mapper.readValue(record.value(), Entry.class);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			log.warn("Deletion ledger: record at offset {} is not a ledger entry; ignored", record.offset());
			return;
		}
		if (entry == null || entry.claimId() == null || entry.state() == null) {
			return;
		}
		synchronized (this.lock) {
			History history = this.requests.getOrDefault(entry.requestId(), History.NONE);
			switch (entry.state()) {
				case CLAIMED -> {
					boolean granted = this.cap.decide(entry.claimId(), Instant.ofEpochMilli(record.timestamp()));
					this.decisions.put(entry.claimId(), granted);
					if (granted) {
						Set<String> claimed = new LinkedHashSet<>(history.claimed());
						claimed.add(entry.factorId());
						history = new History(Set.copyOf(claimed), history.deleted(), history.recorded());
					}
				}
				case RELEASED -> {
					this.cap.release(entry.claimId());
					Set<String> claimed = new LinkedHashSet<>(history.claimed());
					claimed.remove(entry.factorId());
					history = new History(Set.copyOf(claimed), history.deleted(), history.recorded());
				}
				case DELETED -> {
					List<String> deleted = new ArrayList<>(history.deleted());
					if (!deleted.contains(entry.factorId())) {
						deleted.add(entry.factorId());
					}
					history = new History(history.claimed(), List.copyOf(deleted), history.recorded());
				}
				case RECORDED -> history = new History(history.claimed(), history.deleted(), true);
			}
			if (entry.requestId() != null) {
				this.requests.put(entry.requestId(), history);
			}
			this.nextOffset = record.offset() + 1;
		}
	}

	@Override
	public void start() {
		this.tail.start();
	}

	@Override
	public void stop() {
		this.tail.stop(Duration.ofSeconds(5));
	}

	@Override
	public boolean isRunning() {
		return this.tail.isRunning();
	}

	@Override
	public int getPhase() {
		// before the stream bindings start consuming requests, after them when stopping
		return Integer.MAX_VALUE - 2048;
	}

}
