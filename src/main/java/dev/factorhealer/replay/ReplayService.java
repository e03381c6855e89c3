package dev.factorhealer.replay;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.factorhealer.replay.ReplayLedger.Replayed;
import dev.factorhealer.replay.ReplayPlanner.Move;
import dev.factorhealer.system.TopicNames;

/**
 * Moves records from a stuck-event topic back to their original topic: one run at a time
 * per topic, reading the stuck topic up to the end it had at the start (records that fail
 * again during the run wait for the next one). {@link ReplayPlanner} decides what each
 * record becomes, {@link ReplayWriter} sends it and records it in the
 * {@link ReplayLedger}. Sends with a plain Kafka producer of its own, without a template
 * (whose observation, wrapper and future per record a replay of many records would pay),
 * created at the first replay and closed with the service.
 */
public class ReplayService implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ReplayService.class);

	/** Records per ledger entry (per stuck partition). */
	static final int BATCH = 5000;

	/**
	 * Batches sent and not yet in the ledger, at most: what a crash can replay twice, and
	 * how far the sends run ahead of the acknowledgements.
	 */
	static final int IN_FLIGHT = 4;

	private final Supplier<Consumer<byte[], byte[]>> consumers;

	private final Supplier<Producer<byte[], byte[]>> producers;

	private Producer<byte[], byte[]> producer;

	private final ReplayProperties properties;

	private final TopicNames topics;

	private final Clock clock;

	private final ReplayLedger ledger;

	private final ReplayCounters counters;

	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	ReplayService(Supplier<Consumer<byte[], byte[]>> consumers, Supplier<Producer<byte[], byte[]>> producers,
			ReplayProperties properties, TopicNames topics, Clock clock, MeterRegistry registry) {
		this.consumers = consumers;
		this.producers = producers;
		this.properties = properties;
		this.topics = topics;
		this.clock = clock;
		this.ledger = new ReplayLedger(this::producer, topics.replayLedger());
		this.counters = new ReplayCounters(registry);
	}

	/**
	 * The request, checked against this deployment's topic names.
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public ReplayRequest validated(ReplayRequest request) {
		return request.validated(this.topics);
	}

	/**
	 * Runs one replay.
	 * @throws IllegalArgumentException when the request is invalid
	 * @throws ReplayBusyException when a replay of the same topic is already running
	 */
	public ReplayReport replay(ReplayRequest request) {
		validated(request);
		ReentrantLock lock = this.locks.computeIfAbsent(request.topic(), (t) -> new ReentrantLock());
		if (!lock.tryLock()) {
			throw new ReplayBusyException("a replay of " + request.topic() + " is already running");
		}
		try {
			return run(request);
		}
		finally {
			lock.unlock();
		}
	}

	private ReplayReport run(ReplayRequest request) {
		log.info("Replay of {} started: {}", request.topic(), request);
		ReplayPlanner planner;
		ReplayWriter writer = request.isDryRun() ? null : new ReplayWriter(producer(), this.ledger, request.topic(),
				BATCH, IN_FLIGHT, this.clock, this.counters);
		try (Consumer<byte[], byte[]> consumer = this.consumers.get()) {
			Replayed replayed = this.ledger.read(consumer, request.topic());
			planner = new ReplayPlanner(request, replayed, this.properties.maxReplays(), this.topics.parked());
			TopicReading.toEnd(consumer, request.topic(), (record) -> {
				long skipped = planner.skipped();
				Move move = planner.plan(record);
				if (writer == null) {
					return;
				}
				if (move != null) {
					writer.send(move);
				}
				else if (planner.skipped() > skipped) {
					this.counters.increment(ReplayResult.SKIPPED, 1);
				}
			}, planner::full);
		}
		if (writer != null) {
			writer.finish();
		}
		ReplayReport report = planner.report();
		log.info("Replay of {} done{}: {} examined, {} replayed, {} parked, {} skipped by filter, {} already replayed",
				request.topic(), request.isDryRun() ? " (dry run, nothing sent)" : "", report.examined(),
				report.replayed(), report.parked(), report.skipped(), report.alreadyReplayed());
		return report;
	}

	/** The producer, created at the first replay (the service may never run one). */
	private synchronized Producer<byte[], byte[]> producer() {
		if (this.producer == null) {
			this.producer = this.producers.get();
		}
		return this.producer;
	}

	/** Closes the producer, once what it still holds is sent. */
	@Override
	public synchronized void close() {
		if (this.producer != null) {
			this.producer.close(Duration.ofSeconds(30));
			this.producer = null;
		}
	}

	/** Another replay of the same topic is running. */
	public static class ReplayBusyException extends RuntimeException {

		public ReplayBusyException(String message) {
			super(message);
		}

	}

}
