package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.KafkaHeaders;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.replay.ReplayReport.ReplayedRecord;

/**
 * Moves records from a stuck-event topic back to their original topic. Reads the stuck topic up
 * to its end at the start of the run (records that fail again during the run wait for the next
 * one), skips what the filters exclude and what the ledger says was already replayed, parks what
 * was replayed too often, and sends the rest with an incremented replay count. A record is
 * written to the ledger only after Kafka acknowledged its replay, so a crash in between can
 * replay it once more (harmless: every step downstream is idempotent) but never lose it.
 */
public class ReplayService {

	private static final Logger log = LoggerFactory.getLogger(ReplayService.class);

	private static final int LISTED = 100;

	private static final int FLUSH_EVERY = 5000;

	private static final Set<String> STUCK_HEADERS = Set.of(StuckRecordHeaders.EXCEPTION, StuckRecordHeaders.REASON,
			StuckRecordHeaders.ATTEMPTS, StuckRecordHeaders.DEAD_LETTERED_AT, StuckRecordHeaders.ORIGINAL_KEY,
			StuckRecordHeaders.REPLAY_COUNT, KafkaHeaders.DELIVERY_ATTEMPT);

	private final Supplier<Consumer<byte[], byte[]>> consumers;

	private final KafkaOperations<byte[], byte[]> producer;

	private final ReplayProperties properties;

	private final Clock clock;

	private final Map<String, Counter> counters = new HashMap<>();

	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	ReplayService(Supplier<Consumer<byte[], byte[]>> consumers, KafkaOperations<byte[], byte[]> producer,
			ReplayProperties properties, Clock clock, MeterRegistry registry) {
		this.consumers = consumers;
		this.producer = producer;
		this.properties = properties;
		this.clock = clock;
		for (String result : List.of("replayed", "parked", "skipped")) {
			this.counters.put(result, Counter.builder("healer.replay.records")
				.description("Replay work")
				.tag("result", result)
				.register(registry));
		}
	}

	/**
	 * Runs one replay.
	 * @throws IllegalArgumentException when the request is invalid
	 * @throws ReplayBusyException when a replay of the same topic is already running
	 */
	public ReplayReport replay(ReplayRequest request) {
		request.validated();
		ReentrantLock lock = this.locks.computeIfAbsent(request.topic(), t -> new ReentrantLock());
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
		Set<String> ledger = readLedger(request.topic());
		Run run = new Run(request);
		try (Consumer<byte[], byte[]> consumer = this.consumers.get()) {
			Map<TopicPartition, Long> ends = fromBeginning(consumer, request.topic());
			while (!ends.isEmpty() && !run.full()) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					TopicPartition tp = new TopicPartition(record.topic(), record.partition());
					Long end = ends.get(tp);
					if (end == null || record.offset() >= end || run.full()) {
						continue;
					}
					handle(record, ledger, run);
				}
				ends.entrySet().removeIf(e -> e.getValue() <= consumer.position(e.getKey()));
			}
		}
		run.flush();
		ReplayReport report = run.report();
		log.info("Replay of {} done{}: {} examined, {} replayed, {} parked, {} skipped by filter, {} already replayed",
				request.topic(), request.isDryRun() ? " (dry run, nothing sent)" : "", report.examined(),
				report.replayed(), report.parked(), report.skipped(), report.alreadyReplayed());
		return report;
	}

	private void handle(ConsumerRecord<byte[], byte[]> record, Set<String> ledger, Run run) {
		run.examined++;
		ReplayRequest request = run.request;
		String ledgerKey = ledgerKey(record);
		Instant stuckAt = stuckAt(record);
		boolean reset = request.reset() != null && !stuckAt.isBefore(request.reset());
		if (ledger.contains(ledgerKey) && !reset) {
			run.alreadyReplayed++;
			return;
		}
		if (!matches(record, stuckAt, request)) {
			skip(run);
			return;
		}
		String originalTopic = StuckRecordHeaders.text(record.headers(), StuckRecordHeaders.ORIGINAL_TOPIC);
		if (originalTopic == null || originalTopic.isBlank()) {
			log.warn("Stuck record {}-{}@{} has no original topic header: left alone", record.topic(),
					record.partition(), record.offset());
			skip(run);
			return;
		}
		int replayCount = StuckRecordHeaders.replayCount(record.headers());
		// a parked record released after review goes back with its loop guard starting over
		boolean release = request.topic().equals(this.properties.parkedTopic());
		boolean park = !release && replayCount >= this.properties.maxReplays();
		String target = park ? this.properties.parkedTopic() : originalTopic;
		run.moved(record, originalTopic, replayCount, park, release);
		if (request.isDryRun()) {
			return;
		}
		RecordHeaders headers = new RecordHeaders();
		for (Header header : record.headers()) {
			if (park || !(header.key().startsWith("kafka_dlt-") || STUCK_HEADERS.contains(header.key()))) {
				headers.add(header);
			}
		}
		if (park) {
			headers.remove(StuckRecordHeaders.REPLAY_COUNT);
		}
		int count = park ? replayCount : release ? 0 : replayCount + 1;
		headers.add(new RecordHeader(StuckRecordHeaders.REPLAY_COUNT,
				String.valueOf(count).getBytes(StandardCharsets.UTF_8)));
		headers.add(new RecordHeader("healer-replayed-from",
				ledgerKey.getBytes(StandardCharsets.UTF_8)));
		run.sends.add(this.producer.send(new ProducerRecord<>(target, null, record.key(), record.value(), headers)));
		run.ledgerKeys.add(ledgerKey);
		if (park) {
			log.warn("Parked {} on {}: replayed {} times already (key {})", ledgerKey, target, replayCount,
					keyText(record));
		}
		else if (release) {
			log.warn("Released parked record {} to {} after review (key {}, replayed {} times before)", ledgerKey, target,
					keyText(record), replayCount);
		}
		if (run.sends.size() >= FLUSH_EVERY) {
			run.flush();
		}
	}

	private void skip(Run run) {
		run.skipped++;
		if (!run.request.isDryRun()) {
			this.counters.get("skipped").increment();
		}
	}

	private static boolean matches(ConsumerRecord<byte[], byte[]> record, Instant stuckAt, ReplayRequest request) {
		if (request.since() != null && stuckAt.isBefore(request.since())) {
			return false;
		}
		if (request.until() != null && !stuckAt.isBefore(request.until())) {
			return false;
		}
		if (request.userId() != null && !request.userId().equals(keyText(record))) {
			return false;
		}
		if (request.exception() != null) {
			String wanted = request.exception().toLowerCase(Locale.ROOT);
			for (String name : List.of(StuckRecordHeaders.EXCEPTION, StuckRecordHeaders.REASON,
					StuckRecordHeaders.EXCEPTION_FQCN, StuckRecordHeaders.EXCEPTION_MESSAGE)) {
				String value = StuckRecordHeaders.text(record.headers(), name);
				if (value != null && value.toLowerCase(Locale.ROOT).contains(wanted)) {
					return true;
				}
			}
			return false;
		}
		return true;
	}

	private static Instant stuckAt(ConsumerRecord<byte[], byte[]> record) {
		String at = StuckRecordHeaders.text(record.headers(), StuckRecordHeaders.DEAD_LETTERED_AT);
		if (at != null) {
			try {
				return Instant.parse(at);
			}
			catch (DateTimeParseException ex) {
				// fall through to the record's timestamp
			}
		}
		return Instant.ofEpochMilli(record.timestamp());
	}

	private static String keyText(ConsumerRecord<byte[], byte[]> record) {
		return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
	}

	private static String ledgerKey(ConsumerRecord<?, ?> record) {
		return record.topic() + "/" + record.partition() + "/" + record.offset();
	}

	/**
	 * Assigns every partition of the topic from its beginning; returns the end offset of each
	 * partition that has records, i.e. how far this run reads.
	 */
	private static Map<TopicPartition, Long> fromBeginning(Consumer<byte[], byte[]> consumer, String topic) {
		List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
			.stream()
			.map(p -> new TopicPartition(p.topic(), p.partition()))
			.toList();
		consumer.assign(partitions);
		consumer.seekToBeginning(partitions);
		Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
		ends.entrySet().removeIf(e -> e.getValue() <= consumer.position(e.getKey(), Duration.ofSeconds(30)));
		return ends;
	}

	private Set<String> readLedger(String stuckTopic) {
		Set<String> done = new HashSet<>();
		String prefix = stuckTopic + "/";
		try (Consumer<byte[], byte[]> consumer = this.consumers.get()) {
			Map<TopicPartition, Long> ends = fromBeginning(consumer, this.properties.ledgerTopic());
			while (!ends.isEmpty()) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
					if (key.startsWith(prefix)) {
						if (record.value() == null) {
							done.remove(key);
						}
						else {
							done.add(key);
						}
					}
				}
				ends.entrySet().removeIf(e -> e.getValue() <= consumer.position(e.getKey()));
			}
		}
		return done;
	}

	/** The state of one replay run. */
	private final class Run {

		final ReplayRequest request;

		long examined;

		long replayed;

		long parked;

		long skipped;

		long alreadyReplayed;

		String first;

		String last;

		final List<ReplayedRecord> listed = new ArrayList<>();

		final List<CompletableFuture<?>> sends = new ArrayList<>();

		final List<String> ledgerKeys = new ArrayList<>();

		long unflushedReplayed;

		long unflushedParked;

		Run(ReplayRequest request) {
			this.request = request;
		}

		boolean full() {
			return this.replayed + this.parked >= this.request.maxOrDefault();
		}

		void moved(ConsumerRecord<byte[], byte[]> record, String originalTopic, int replayCount, boolean park,
				boolean release) {
			String at = record.partition() + "@" + record.offset();
			if (this.first == null) {
				this.first = at;
			}
			this.last = at;
			if (park) {
				this.parked++;
				this.unflushedParked += this.request.isDryRun() ? 0 : 1;
			}
			else {
				this.replayed++;
				this.unflushedReplayed += this.request.isDryRun() ? 0 : 1;
			}
			if (this.listed.size() < LISTED) {
				this.listed.add(new ReplayedRecord(record.partition(), record.offset(), keyText(record), originalTopic,
						StuckRecordHeaders.text(record.headers(), StuckRecordHeaders.EXCEPTION),
						StuckRecordHeaders.text(record.headers(), StuckRecordHeaders.REASON), replayCount,
						park ? "park" : release ? "release" : "replay"));
			}
		}

		/** Waits for every send, then records them in the ledger and waits for that too. */
		void flush() {
			if (this.sends.isEmpty()) {
				return;
			}
			await(this.sends, "replayed records");
			byte[] at = Instant.now(ReplayService.this.clock).toString().getBytes(StandardCharsets.UTF_8);
			List<CompletableFuture<?>> ledgerSends = new ArrayList<>();
			for (String key : this.ledgerKeys) {
				ledgerSends.add(ReplayService.this.producer.send(new ProducerRecord<>(
						ReplayService.this.properties.ledgerTopic(), key.getBytes(StandardCharsets.UTF_8), at)));
			}
			await(ledgerSends, "ledger entries");
			ReplayService.this.counters.get("replayed").increment(this.unflushedReplayed);
			ReplayService.this.counters.get("parked").increment(this.unflushedParked);
			this.unflushedReplayed = 0;
			this.unflushedParked = 0;
			this.sends.clear();
			this.ledgerKeys.clear();
		}

		ReplayReport report() {
			return new ReplayReport(this.request.topic(), this.request.isDryRun(), this.examined, this.replayed,
					this.parked, this.skipped, this.alreadyReplayed, this.first, this.last, List.copyOf(this.listed));
		}

	}

	private static void await(List<CompletableFuture<?>> futures, String what) {
		try {
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new IllegalStateException("Kafka did not acknowledge the " + what + "; run the replay again "
					+ "(records already sent may be sent once more, which is harmless)", ex);
		}
	}

	/** Another replay of the same topic is running. */
	public static class ReplayBusyException extends RuntimeException {

		public ReplayBusyException(String message) {
			super(message);
		}

	}

}
