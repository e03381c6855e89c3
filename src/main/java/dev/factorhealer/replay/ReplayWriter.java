package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.replay.ReplayPlanner.Move;

/**
 * Sends one run's moves and records them in the ledger, at the speed of a plain copy: the
 * run never waits for a batch it just sent. Up to {@code inFlight} batches are sent and
 * not yet recorded; at each full batch the oldest ones Kafka acknowledged by then
 * ({@code acks=all}) are written to the ledger (one entry per partition), oldest first,
 * and the run waits only when more would be in flight. Ledger entries are counted once
 * acknowledged. So a record is in the ledger only once Kafka acknowledged it on its
 * target, and a batch only once every batch before it is: a crash or a failed send can
 * replay a record once more (harmless: every step downstream is idempotent) but never
 * lose it or change the order of a partition.
 */
final class ReplayWriter {

	private static final Logger log = LoggerFactory.getLogger(ReplayWriter.class);

	private static final long ACK_TIMEOUT_SECONDS = 60;

	/**
	 * {@code healer-replay-count} values 0 to 9, the only ones the loop guard lets by.
	 */
	private static final byte[][] COUNTS = new byte[10][];

	static {
		for (int i = 0; i < COUNTS.length; i++) {
			COUNTS[i] = String.valueOf(i).getBytes(StandardCharsets.UTF_8);
		}
	}

	private final Producer<byte[], byte[]> producer;

	private final ReplayLedger ledger;

	private final String stuckTopic;

	private final String run = ReplayLedger.newRun();

	private final int batchSize;

	private final int inFlight;

	private final Clock clock;

	private final ReplayCounters counters;

	/**
	 * {@code topic/partition/} of each stuck partition, the start of its records'
	 * {@code healer-replayed-from}.
	 */
	private final Map<Integer, byte[]> from = new HashMap<>();

	/** Being sent. */
	private Batch current = new Batch();

	/** Sent, oldest first, not yet in the ledger. */
	private final Deque<Batch> sent = new ArrayDeque<>();

	/** In the ledger, oldest first, entries not yet acknowledged. */
	private final Deque<Batch> recording = new ArrayDeque<>();

	ReplayWriter(Producer<byte[], byte[]> producer, ReplayLedger ledger, String stuckTopic, int batchSize, int inFlight,
			Clock clock, ReplayCounters counters) {
		this.producer = producer;
		this.ledger = ledger;
		this.stuckTopic = stuckTopic;
		this.batchSize = batchSize;
		this.inFlight = inFlight;
		this.clock = clock;
		this.counters = counters;
	}

	/** Sends one move without waiting for it. */
	void send(Move move) {
		ConsumerRecord<byte[], byte[]> record = move.record();
		Batch batch = this.current;
		this.producer.send(new ProducerRecord<>(move.target(), null, record.key(), record.value(), headers(move)),
				batch.acks.expect());
		batch.offsets.computeIfAbsent(record.partition(), (p) -> new OffsetRanges()).add(record.offset());
		batch.moved[move.action().result().ordinal()]++;
		if (move.action() == ReplayAction.PARK) {
			log.warn("Parked {} on {}: replayed {} times already (key {})", move.from(), move.target(),
					move.replayCount(), ReplayPlanner.keyText(record));
		}
		else if (move.action() == ReplayAction.RELEASE) {
			log.warn("Released parked record {} to {} after review (key {}, replayed {} times before)", move.from(),
					move.target(), ReplayPlanner.keyText(record), move.replayCount());
		}
		if (++batch.size >= this.batchSize) {
			close();
			advance(this.inFlight);
		}
	}

	/** Waits for everything sent and records it in the ledger. */
	void finish() {
		if (this.current.size > 0) {
			close();
		}
		advance(0);
	}

	private void close() {
		this.current.acks.close();
		this.sent.addLast(this.current);
		this.current = new Batch();
	}

	/**
	 * Writes the acknowledged batches to the ledger and counts the recorded ones, oldest
	 * first, waiting for the oldest while more than {@code maxInFlight} are sent or
	 * recording.
	 */
	private void advance(int maxInFlight) {
		while (!this.sent.isEmpty() && (this.sent.size() > maxInFlight || this.sent.peekFirst().acks.isDone())) {
			Batch batch = this.sent.removeFirst();
			batch.acks.await("replayed records", ACK_TIMEOUT_SECONDS);
			batch.ledgerAcks = this.ledger.record(this.stuckTopic, this.run, batch.offsets, Instant.now(this.clock));
			this.recording.addLast(batch);
		}
		while (!this.recording.isEmpty()
				&& (this.recording.size() > maxInFlight || this.recording.peekFirst().ledgerAcks.isDone())) {
			Batch batch = this.recording.removeFirst();
			batch.ledgerAcks.await("ledger entries", ACK_TIMEOUT_SECONDS);
			for (ReplayResult result : ReplayResult.values()) {
				if (batch.moved[result.ordinal()] > 0) {
					this.counters.increment(result, batch.moved[result.ordinal()]);
				}
			}
		}
	}

	/**
	 * The record as it goes back: the stuck-topic headers removed (kept on the parked
	 * topic, which operators review), the new replay count and where it came from added.
	 */
	private RecordHeaders headers(Move move) {
		boolean park = move.action() == ReplayAction.PARK;
		RecordHeaders headers = new RecordHeaders();
		for (Header header : move.record().headers()) {
			if (park ? !StuckRecordHeaders.REPLAY_COUNT.equals(header.key())
					: !StuckRecordHeaders.isStuckHeader(header.key())) {
				headers.add(header);
			}
		}
		int count = move.action().countAfter(move.replayCount());
		headers.add(new RecordHeader(StuckRecordHeaders.REPLAY_COUNT, (count >= 0 && count < COUNTS.length)
				? COUNTS[count] : String.valueOf(count).getBytes(StandardCharsets.UTF_8)));
		headers.add(new RecordHeader(StuckRecordHeaders.REPLAYED_FROM, from(move.record())));
		return headers;
	}

	/** {@link Move#from()} as bytes, without building the text. */
	private byte[] from(ConsumerRecord<byte[], byte[]> record) {
		byte[] prefix = this.from.get(record.partition());
		if (prefix == null) {
			prefix = (record.topic() + "/" + record.partition() + "/").getBytes(StandardCharsets.UTF_8);
			this.from.put(record.partition(), prefix);
		}
		long offset = record.offset();
		int digits = 1;
		for (long rest = offset / 10; rest > 0; rest /= 10) {
			digits++;
		}
		byte[] value = Arrays.copyOf(prefix, prefix.length + digits);
		for (int i = value.length - 1; i >= prefix.length; i--) {
			value[i] = (byte) ('0' + offset % 10);
			offset /= 10;
		}
		return value;
	}

	/** Sends not yet recorded in the ledger, or recorded and not yet counted. */
	private static final class Batch {

		final Acknowledgements acks = new Acknowledgements();

		final Map<Integer, OffsetRanges> offsets = new HashMap<>();

		final long[] moved = new long[ReplayResult.values().length];

		int size;

		Acknowledgements ledgerAcks;

	}

}
