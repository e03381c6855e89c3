package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.replay.ReplayLedger.Replayed;
import dev.factorhealer.replay.ReplayReport.ReplayedRecord;

/**
 * Decides, record by record, what one replay does, and keeps its report: skips what the
 * filters exclude and what the ledger says was already replayed, parks what was replayed
 * too often, and moves the rest. Reads no topic and sends nothing, so every rule is
 * testable on plain records; {@link ReplayService} feeds it and {@link ReplayWriter}
 * carries out its moves.
 */
final class ReplayPlanner {

	private static final Logger log = LoggerFactory.getLogger(ReplayPlanner.class);

	/** How many moved records the report lists. */
	static final int LISTED = 100;

	private final ReplayRequest request;

	private final Replayed ledger;

	private final int maxReplays;

	private final String parkedTopic;

	/** Whether a filter looks at the time the record got stuck. */
	private final boolean timed;

	private long examined;

	private long replayed;

	private long parked;

	private long skipped;

	private long alreadyReplayed;

	/** Partition and offset of the first and of the last record moved; -1 before. */
	private int firstPartition = -1;

	private long firstOffset;

	private int lastPartition;

	private long lastOffset;

	/**
	 * The last original topic read and its header's bytes: the same few topics on every
	 * record, decoded once.
	 */
	private byte[] originalTopicBytes;

	private String originalTopic;

	private final List<ReplayedRecord> listed = new ArrayList<>();

	ReplayPlanner(ReplayRequest request, Replayed ledger, int maxReplays, String parkedTopic) {
		this.request = request;
		this.ledger = ledger;
		this.maxReplays = maxReplays;
		this.parkedTopic = parkedTopic;
		this.timed = request.since() != null || request.until() != null || request.reset() != null;
	}

	/**
	 * One record to send: where, as what, and the replay count it had on the stuck topic.
	 */
	record Move(ConsumerRecord<byte[], byte[]> record, ReplayAction action, String target, int replayCount) {

		/**
		 * The stuck record's address, as the ledger and the replayed record's header name
		 * it.
		 */
		String from() {
			return this.record.topic() + "/" + this.record.partition() + "/" + this.record.offset();
		}

	}

	/** Whether the run moved as many records as it may. */
	boolean full() {
		return this.replayed + this.parked >= this.request.maxOrDefault();
	}

	/**
	 * Plans one record of the stuck topic.
	 * @return the move to make, or {@code null} when the record stays where it is
	 */
	Move plan(ConsumerRecord<byte[], byte[]> record) {
		this.examined++;
		// parsed only when a filter needs it: a replay of everything skips the work per
		// record
		Instant stuckAt = this.timed ? StuckRecordHeaders.deadLetteredAt(record.headers(), record.timestamp()) : null;
		boolean reset = this.request.reset() != null && !stuckAt.isBefore(this.request.reset());
		if (!reset && this.ledger.contains(record.partition(), record.offset())) {
			this.alreadyReplayed++;
			return null;
		}
		if (!matches(record, stuckAt)) {
			this.skipped++;
			return null;
		}
		String originalTopic = originalTopic(record);
		if (originalTopic == null || originalTopic.isBlank()) {
			log.warn("Stuck record {}-{}@{} has no original topic header: left alone", record.topic(),
					record.partition(), record.offset());
			this.skipped++;
			return null;
		}
		int replayCount = StuckRecordHeaders.replayCount(record.headers());
		ReplayAction action = action(replayCount);
		Move move = new Move(record, action, (action == ReplayAction.PARK) ? this.parkedTopic : originalTopic,
				replayCount);
		moved(move, originalTopic);
		return move;
	}

	private String originalTopic(ConsumerRecord<byte[], byte[]> record) {
		Header header = record.headers().lastHeader(StuckRecordHeaders.ORIGINAL_TOPIC);
		byte[] value = (header != null) ? header.value() : null;
		if (value == null) {
			return null;
		}
		if (!Arrays.equals(value, this.originalTopicBytes)) {
			this.originalTopic = new String(value, StandardCharsets.UTF_8);
			this.originalTopicBytes = value;
		}
		return this.originalTopic;
	}

	private ReplayAction action(int replayCount) {
		// a parked record released after review goes back with its loop guard starting
		// over
		if (this.request.topic().equals(this.parkedTopic)) {
			return ReplayAction.RELEASE;
		}
		return (replayCount >= this.maxReplays) ? ReplayAction.PARK : ReplayAction.REPLAY;
	}

	private boolean matches(ConsumerRecord<byte[], byte[]> record, Instant stuckAt) {
		if (this.request.since() != null && stuckAt.isBefore(this.request.since())) {
			return false;
		}
		if (this.request.until() != null && !stuckAt.isBefore(this.request.until())) {
			return false;
		}
		if (this.request.userId() != null && !this.request.userId().equals(keyText(record))) {
			return false;
		}
		if (this.request.exception() == null) {
			return true;
		}
		String wanted = this.request.exception().toLowerCase(Locale.ROOT);
		for (String name : StuckRecordHeaders.FAILURE) {
			String value = StuckRecordHeaders.text(record.headers(), name);
			if (value != null && value.toLowerCase(Locale.ROOT).contains(wanted)) {
				return true;
			}
		}
		return false;
	}

	private void moved(Move move, String originalTopic) {
		ConsumerRecord<byte[], byte[]> record = move.record();
		if (this.firstPartition < 0) {
			this.firstPartition = record.partition();
			this.firstOffset = record.offset();
		}
		this.lastPartition = record.partition();
		this.lastOffset = record.offset();
		if (move.action().result() == ReplayResult.PARKED) {
			this.parked++;
		}
		else {
			this.replayed++;
		}
		if (this.listed.size() < LISTED) {
			this.listed.add(new ReplayedRecord(record.partition(), record.offset(), keyText(record), originalTopic,
					StuckRecordHeaders.text(record.headers(), StuckRecordHeaders.EXCEPTION),
					StuckRecordHeaders.text(record.headers(), StuckRecordHeaders.REASON), move.replayCount(),
					move.action()));
		}
	}

	/** Records left alone by the filters so far. */
	long skipped() {
		return this.skipped;
	}

	ReplayReport report() {
		boolean any = this.firstPartition >= 0;
		return new ReplayReport(this.request.topic(), this.request.isDryRun(), this.examined, this.replayed,
				this.parked, this.skipped, this.alreadyReplayed,
				any ? this.firstPartition + "@" + this.firstOffset : null,
				any ? this.lastPartition + "@" + this.lastOffset : null, List.copyOf(this.listed));
	}

	static String keyText(ConsumerRecord<byte[], byte[]> record) {
		return (record.key() != null) ? new String(record.key(), StandardCharsets.UTF_8) : null;
	}

}
