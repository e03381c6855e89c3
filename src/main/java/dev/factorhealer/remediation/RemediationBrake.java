package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;

import dev.factorhealer.system.KafkaReaders;
import dev.factorhealer.system.TopicTail;

/**
 * The brake on live remediation: while engaged, a live request deletes nothing (it ends
 * {@code FAILED} and waits on the stuck topic for a replay). It is engaged by whoever
 * sees that healing does not help (the follow-up of healed users) and released by an
 * operator. The state is the last record (key {@value #KEY}, value {@code {engaged, by,
 * at, reason}}) of a compacted one-partition topic that every replica reads from the
 * start and tails, so it survives restarts and reaches every replica; until that topic is
 * read to its end, {@link #isEngaged()} waits rather than guess.
 */
public final class RemediationBrake implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RemediationBrake.class);

	static final String KEY = "brake";

	private static final Duration LOAD_WAIT = Duration.ofSeconds(20);

	/** What the brake topic says. */
	public record State(boolean engaged, String by, Instant at, String reason) {

		static final State INITIAL = new State(false, null, null, null);

	}

	private final String topic;

	private final KafkaOperations<String, byte[]> producer;

	private final JsonMapper mapper;

	private final Clock clock;

	private final Counter trips;

	private final CountDownLatch loaded = new CountDownLatch(1);

	private volatile State state = State.INITIAL;

	/**
	 * Offset of this replica's last write: older records read back later must not undo
	 * it.
	 */
	private volatile long written = -1;

	private final TopicTail tail;

	RemediationBrake(String topic, KafkaProperties kafka, KafkaOperations<String, byte[]> producer, JsonMapper mapper,
			Clock clock, MeterRegistry registry) {
		this.topic = topic;
		String clientId = "healer-brake-" + System.identityHashCode(this);
		this.tail = new TopicTail(
				"healer-brake", topic, () -> new KafkaConsumer<>(KafkaReaders.config(kafka, clientId),
						new StringDeserializer(), new ByteArrayDeserializer()),
				Duration.ofMillis(500), new BrakeReader());
		this.producer = producer;
		this.mapper = mapper;
		this.clock = clock;
		Gauge.builder("healer.remediation.brake.engaged", () -> this.state.engaged() ? 1 : 0)
			.description("1 while the brake stops live deletions")
			.register(registry);
		this.trips = Counter.builder("healer.remediation.brake.trips")
			.description("Times this replica engaged the brake")
			.register(registry);
	}

	/** Whether live deletions are paused; waits for the brake topic to be read first. */
	public boolean isEngaged() {
		try {
			if (!this.loaded.await(LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("the brake state on " + this.topic + " could not be read yet");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while reading the brake state", ex);
		}
		return this.state.engaged();
	}

	/** The last state read or written (not waiting for the topic). */
	public State state() {
		return this.state;
	}

	/** The detail of a request refused while the brake is engaged. */
	String refusal() {
		State current = this.state;
		return "brake engaged by " + current.by() + " at " + current.at() + ": " + current.reason()
				+ "; nothing deleted, replay the request once the brake is released";
	}

	/**
	 * Engages the brake (once: a second call while engaged changes nothing); returns
	 * whether it tripped now.
	 */
	public synchronized boolean engage(String by, String reason) {
		if (this.state.engaged()) {
			return false;
		}
		write(new State(true, by, this.clock.instant(), reason));
		this.trips.increment();
		log.error("Remediation brake ENGAGED by {}: {}; live deletions are paused until an operator releases it", by,
				reason);
		return true;
	}

	/**
	 * Releases the brake: live remediation deletes again. The one way out, used by
	 * {@code POST /admin/brake} (and the mode switch).
	 */
	public synchronized void release(String by, String reason) {
		State was = this.state;
		write(new State(false, by, this.clock.instant(), reason));
		log.warn("Remediation brake released by {} ({}){}", by, reason, was.engaged() ? "" : "; it was not engaged");
	}

	private void write(State next) {
		try {
			this.written = this.producer
				.send(new ProducerRecord<>(this.topic, 0, KEY, this.mapper.writeValueAsBytes(next)))
				.get(30, TimeUnit.SECONDS)
				.getRecordMetadata()
				.offset();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("could not record the brake state on " + this.topic, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while recording the brake state", ex);
		}
		this.state = next;
	}

	@Override
	public void start() {
		this.tail.start();
	}

	/**
	 * The brake topic's state applied in log order; the first read to its end is logged.
	 */
	private final class BrakeReader implements TopicTail.Reader {

		@Override
		public void apply(ConsumerRecord<String, byte[]> record, boolean replaying) {
			RemediationBrake.this.apply(record);
		}

		@Override
		public void caughtUp() {
			State now = RemediationBrake.this.state;
			log.info("Remediation brake state read from {}: {}", RemediationBrake.this.topic,
					now.engaged() ? "ENGAGED (" + now.reason() + ")" : "released");
			RemediationBrake.this.loaded.countDown();
		}

	}

	private void apply(ConsumerRecord<String, byte[]> record) {
		if (!KEY.equals(record.key()) || record.value() == null || record.offset() < this.written) {
			return;
		}
		try {
			State read = this.mapper.readValue(record.value(), State.class);
			if (read != null && !read.equals(this.state)) {
				this.state = read;
				log.info("Remediation brake {} by {} at {}: {}", read.engaged() ? "engaged" : "released", read.by(),
						read.at(), read.reason());
			}
		}
		catch (JacksonException ex) {
			log.warn("Ignored a brake record that is not a brake state at offset {}", record.offset());
		}
	}

	@Override
	public void stop() {
		this.tail.stop(Duration.ofSeconds(5));
	}

	@Override
	public boolean isRunning() {
		return this.tail.isRunning();
	}

	/** Before the bindings start consuming requests. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 1000;
	}

}
