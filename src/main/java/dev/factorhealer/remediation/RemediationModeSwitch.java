package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import dev.factorhealer.system.TopicTail;

/**
 * The kill switch: the remediation mode every replica follows, changed without a restart.
 * The state is the newest record (key {@code mode}) of the compacted one-partition topic
 * {@code okta.remediation.mode}; every replica reads it from the beginning at start and
 * then tails it, so a change reaches all replicas within a poll and survives restarts.
 * While the topic is empty, {@code healer.remediation.mode} is the mode. Until the topic
 * has been read to its end the answer is {@code dry-run}: a replica that cannot tell
 * never deletes.
 */
public class RemediationModeSwitch implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RemediationModeSwitch.class);

	static final String KEY = "mode";

	/** Before the bindings (Spring Cloud Stream starts them in a later phase). */
	private static final int PHASE = Integer.MIN_VALUE + 1000;

	private final ModeState configured;

	private final String topic;

	private final KafkaTemplate<String, byte[]> producer;

	private final JsonMapper mapper;

	private final Clock clock;

	private final Duration startTimeout;

	private final Map<RemediationMode, Counter> changes = new EnumMap<>(RemediationMode.class);

	private final CountDownLatch caughtUpOnce = new CountDownLatch(1);

	private volatile ModeState state;

	private volatile boolean caughtUp;

	/** Offset of the last record applied; {@code set} waits for its own record. */
	private long applied = -1;

	private final TopicTail tail;

	RemediationModeSwitch(RemediationMode configured, String topic, Supplier<Consumer<String, byte[]>> consumers,
			KafkaTemplate<String, byte[]> producer, JsonMapper mapper, Clock clock, Duration startTimeout,
			MeterRegistry registry) {
		this.configured = new ModeState(configured, "healer.remediation.mode", null, "configured");
		this.state = this.configured;
		this.topic = topic;
		this.tail = new TopicTail("healer-mode-switch", topic, consumers, Duration.ofMillis(250),
				new TopicTail.Reader() {

					@Override
					public void apply(ConsumerRecord<String, byte[]> record, boolean replaying) {
						RemediationModeSwitch.this.apply(record, replaying);
					}

					@Override
					public void caughtUp() {
						RemediationModeSwitch.this.caughtUp();
					}

				});
		this.producer = producer;
		this.mapper = mapper;
		this.clock = clock;
		this.startTimeout = startTimeout;
		for (RemediationMode mode : RemediationMode.values()) {
			this.changes.put(mode,
					Counter.builder("healer.remediation.mode.changes")
						.description("Remediation mode changes applied by this replica, by the new mode")
						.tag("mode", mode.label())
						.register(registry));
			Gauge.builder("healer.remediation.mode", this, (s) -> s.current() == mode ? 1 : 0)
				.description("1 for the remediation mode in force on this replica")
				.tag("mode", mode.label())
				.register(registry);
		}
	}

	/** The mode in force: asked by the worker before every request. */
	public RemediationMode current() {
		return this.caughtUp ? this.state.mode() : RemediationMode.DRY_RUN;
	}

	/** The mode in force with who set it, when and why. */
	public ModeState state() {
		ModeState now = this.state;
		return this.caughtUp ? now
				: new ModeState(RemediationMode.DRY_RUN, "healer", null, "okta.remediation.mode not read yet");
	}

	/**
	 * Sets the mode of every replica: writes it to the mode topic and returns once this
	 * replica applied it (or after 10 s).
	 * @param by who sets it (for the record; {@code admin} when blank)
	 * @param reason why (free text)
	 * @throws IllegalStateException when Kafka did not take the record
	 */
	public ModeState set(RemediationMode mode, String by, String reason) {
		String who = ModeState.clean(by);
		ModeState next = new ModeState(mode, who.isEmpty() ? "admin" : who, this.clock.instant(),
				ModeState.clean(reason));
		long offset;
		try {
			SendResult<String, byte[]> sent = this.producer.send(this.topic, KEY, next.toJson(this.mapper))
				.get(10, TimeUnit.SECONDS);
			offset = sent.getRecordMetadata().offset();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("the mode could not be written to " + this.topic + ": " + ex.getMessage(),
					ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while writing the mode", ex);
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		synchronized (this) {
			while (this.applied < offset && System.nanoTime() < deadline) {
				try {
					wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		return state();
	}

	@Override
	public void start() {
		this.tail.start();
		try {
			if (!this.caughtUpOnce.await(this.startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				log.error("Could not read {} within {}: remediation stays dry-run until it is read", this.topic,
						this.startTimeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
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

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void caughtUp() {
		ModeState now = this.state;
		this.caughtUp = true;
		this.caughtUpOnce.countDown();
		if (now == this.configured) {
			log.info("Remediation mode: {} (healer.remediation.mode; nothing set on {} yet)", now.mode().label(),
					this.topic);
		}
		else {
			log.info("Remediation mode: {} (set on {} by {} at {}: {})", now.mode().label(), this.topic, now.by(),
					now.at(), now.reason());
		}
	}

	private void apply(ConsumerRecord<String, byte[]> record, boolean replaying) {
		if (KEY.equals(record.key())) {
			ModeState previous = this.state;
			ModeState next;
			if (record.value() == null) {
				next = this.configured;
			}
			else {
				try {
					next = ModeState.fromJson(this.mapper, record.value());
				}
				catch (IllegalArgumentException ex) {
					log.warn("Ignored record {}@{} of {}: not a mode ({})", record.partition(), record.offset(),
							this.topic, ex.getMessage());
					next = previous;
				}
			}
			this.state = next;
			if (!replaying && next.mode() != previous.mode()) {
				this.changes.get(next.mode()).increment();
				log.warn("Remediation mode is now {} (was {}), set by {} at {}: {}", next.mode().label(),
						previous.mode().label(), next.by(), next.at(), next.reason());
			}
			else if (!replaying) {
				log.info("Remediation mode stays {}, confirmed by {} at {}: {}", next.mode().label(), next.by(),
						next.at(), next.reason());
			}
		}
		synchronized (this) {
			this.applied = record.offset();
			notifyAll();
		}
	}

}
