package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaOperations;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.replay.ReplayPlanner.Move;

/**
 * Sends one run's moves and records them in the ledger, at the speed of a plain copy:
 * sends stay in flight while the run reads on. When a batch is full the run waits once,
 * for the batch before it, then writes that one to the ledger (one entry per partition)
 * without waiting; the ledger entries are awaited a batch later, and only then counted.
 * So a record is in the ledger only once Kafka acknowledged it on its target
 * ({@code acks=all}): a crash in between can replay it once more (harmless: every step
 * downstream is idempotent) but never lose it.
 */
final class ReplayWriter {

	private static final Logger log = LoggerFactory.getLogger(ReplayWriter.class);

	private static final long ACK_TIMEOUT_SECONDS = 60;

	private final KafkaOperations<byte[], byte[]> producer;

	private final ReplayLedger ledger;

	private final String stuckTopic;

	private final String run = ReplayLedger.newRun();

	private final int batchSize;

	private final Clock clock;

	private final ReplayCounters counters;

	/** Being sent. */
	private Batch current = new Batch();

	/** Sent, acknowledgements not yet awaited. */
	private Batch previous;

	/** Acknowledged, its ledger entries sent and not yet awaited. */
	private Batch recording;

	ReplayWriter(KafkaOperations<byte[], byte[]> producer, ReplayLedger ledger, String stuckTopic, int batchSize,
			Clock clock, ReplayCounters counters) {
		this.producer = producer;
		this.ledger = ledger;
		this.stuckTopic = stuckTopic;
		this.batchSize = batchSize;
		this.clock = clock;
		this.counters = counters;
	}

	/** Sends one move without waiting for it. */
	void send(Move move) {
		ConsumerRecord<byte[], byte[]> record = move.record();
		this.current.sends.add(this.producer
			.send(new ProducerRecord<>(move.target(), null, record.key(), record.value(), headers(move))));
		this.current.offsets.computeIfAbsent(record.partition(), (p) -> new OffsetRanges()).add(record.offset());
		this.current.moved.merge(move.action().result(), 1L, Long::sum);
		if (move.action() == ReplayAction.PARK) {
			log.warn("Parked {} on {}: replayed {} times already (key {})", move.from(), move.target(),
					move.replayCount(), ReplayPlanner.keyText(record));
		}
		else if (move.action() == ReplayAction.RELEASE) {
			log.warn("Released parked record {} to {} after review (key {}, replayed {} times before)", move.from(),
					move.target(), ReplayPlanner.keyText(record), move.replayCount());
		}
		if (this.current.sends.size() >= this.batchSize) {
			next();
		}
	}

	/** Waits for everything sent and records it in the ledger. */
	void finish() {
		next();
		next();
		next();
	}

	/** Moves each batch one step on: counted, recording, acknowledged, sending. */
	private void next() {
		if (this.recording != null) {
			await(this.recording.ledgerSends, "ledger entries");
			this.recording.moved.forEach(this.counters::increment);
		}
		this.recording = this.previous;
		if (this.recording != null) {
			await(this.recording.sends, "replayed records");
			this.recording.ledgerSends = this.ledger.record(this.stuckTopic, this.run, this.recording.offsets,
					Instant.now(this.clock));
		}
		this.previous = this.current;
		this.current = new Batch();
	}

	/**
	 * The record as it goes back: the stuck-topic headers removed (kept on the parked
	 * topic, which operators review), the new replay count and where it came from added.
	 */
	private static RecordHeaders headers(Move move) {
		boolean park = move.action() == ReplayAction.PARK;
		RecordHeaders headers = new RecordHeaders();
		for (Header header : move.record().headers()) {
			if (park ? !StuckRecordHeaders.REPLAY_COUNT.equals(header.key())
					: !StuckRecordHeaders.isStuckHeader(header.key())) {
				headers.add(header);
			}
		}
		headers.add(new RecordHeader(StuckRecordHeaders.REPLAY_COUNT,
				String.valueOf(move.action().countAfter(move.replayCount())).getBytes(StandardCharsets.UTF_8)));
		headers.add(new RecordHeader(StuckRecordHeaders.REPLAYED_FROM, move.from().getBytes(StandardCharsets.UTF_8)));
		return headers;
	}

	private static void await(List<CompletableFuture<?>> futures, String what) {
		try {
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
				.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new IllegalStateException("Kafka did not acknowledge the " + what + "; run the replay again "
					+ "(records already sent may be sent once more, which is harmless)", ex);
		}
	}

	/** Sends not yet recorded in the ledger. */
	private static final class Batch {

		final List<CompletableFuture<?>> sends = new ArrayList<>();

		final Map<Integer, OffsetRanges> offsets = new HashMap<>();

		final Map<ReplayResult, Long> moved = new EnumMap<>(ReplayResult.class);

		List<CompletableFuture<?>> ledgerSends = List.of();

	}

}
