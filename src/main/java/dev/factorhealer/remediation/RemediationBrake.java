package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;

/**
 * The brake on live remediation: while engaged, a live request deletes nothing (it ends
 * {@code FAILED} and waits on the stuck topic for a replay). It is engaged by whoever sees that
 * healing does not help (the follow-up of healed users) and released by an operator. The state
 * is the last record (key {@value #KEY}, value {@code {engaged, by, at, reason}}) of a compacted
 * one-partition topic that every replica reads from the start and tails, so it survives restarts
 * and reaches every replica; until that topic is read to its end, {@link #isEngaged()} waits
 * rather than guess.
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

	private final KafkaProperties kafka;

	private final KafkaOperations<String, byte[]> producer;

	private final JsonMapper mapper;

	private final Clock clock;

	private final Counter trips;

	private final CountDownLatch loaded = new CountDownLatch(1);

	private volatile State state = State.INITIAL;

	/** Offset of this replica's last write: older records read back later must not undo it. */
	private volatile long written = -1;

	private volatile boolean running;

	private volatile KafkaConsumer<String, byte[]> consumer;

	private Thread thread;

	RemediationBrake(String topic, KafkaProperties kafka, KafkaOperations<String, byte[]> producer, JsonMapper mapper,
			Clock clock, MeterRegistry registry) {
		this.topic = topic;
		this.kafka = kafka;
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

	/** Engages the brake (once: a second call while engaged changes nothing); returns whether it tripped now. */
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
		this.running = true;
		this.thread = new Thread(this::tail, "healer-brake");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** Reads the brake topic from the start and follows it; starts over after an error. */
	private void tail() {
		TopicPartition partition = new TopicPartition(this.topic, 0);
		while (this.running) {
			try (KafkaConsumer<String, byte[]> reader = newConsumer()) {
				this.consumer = reader;
				if (!this.running) {
					return;
				}
				reader.assign(List.of(partition));
				reader.seekToBeginning(List.of(partition));
				long end = reader.endOffsets(List.of(partition)).get(partition);
				while (this.running) {
					for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
						apply(record);
					}
					if (this.loaded.getCount() > 0 && reader.position(partition) >= end) {
						log.info("Remediation brake state read from {}: {}", this.topic,
								this.state.engaged() ? "ENGAGED (" + this.state.reason() + ")" : "released");
						this.loaded.countDown();
					}
				}
			}
			catch (WakeupException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.error("Reading the brake topic {} failed; reading it again in 1s", this.topic, ex);
				try {
					Thread.sleep(1000);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private KafkaConsumer<String, byte[]> newConsumer() {
		Map<String, Object> config = this.kafka.buildConsumerProperties();
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "healer-brake-" + System.identityHashCode(this));
		return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
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
		this.running = false;
		KafkaConsumer<String, byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
		if (this.thread != null) {
			try {
				this.thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Before the bindings start consuming requests. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 1000;
	}

}
