package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

import dev.factorhealer.deadletter.StuckRecordHeaders;

/**
 * Reads stuck records (without moving them) for {@code stuck list}: each record's headers
 * say why it is stuck, since when, after how many attempts, and where it came from.
 */
class StuckRecords {

	private final Supplier<Consumer<byte[], byte[]>> consumers;

	StuckRecords(Supplier<Consumer<byte[], byte[]>> consumers) {
		this.consumers = consumers;
	}

	/** Which stuck records to list; {@code null} filters match everything. */
	record Filter(String userId, String exception, Instant since, int max) {

		boolean matches(StuckRecord record) {
			if (this.userId != null && !this.userId.equals(record.key())) {
				return false;
			}
			if (this.since != null && record.stuckAt().isBefore(this.since)) {
				return false;
			}
			if (this.exception != null) {
				String wanted = this.exception.toLowerCase(Locale.ROOT);
				return contains(record.exception(), wanted) || contains(record.reason(), wanted);
			}
			return true;
		}

		private static boolean contains(String text, String wanted) {
			return text != null && text.toLowerCase(Locale.ROOT).contains(wanted);
		}

	}

	/** One stuck record as an operator reads it. */
	record StuckRecord(String topic, int partition, long offset, String key, Instant stuckAt, String attempts,
			int replayCount, String originalTopic, Integer originalPartition, Long originalOffset,
			Instant originalTimestamp, String exception, String reason) {

	}

	/**
	 * The matching records of each topic, oldest first, at most {@code filter.max()} in
	 * all.
	 */
	List<StuckRecord> list(List<String> topics, Filter filter) {
		List<StuckRecord> found = new ArrayList<>();
		try (Consumer<byte[], byte[]> consumer = this.consumers.get()) {
			for (String topic : topics) {
				List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
					.stream()
					.map((p) -> new TopicPartition(p.topic(), p.partition()))
					.toList();
				consumer.assign(partitions);
				consumer.seekToBeginning(partitions);
				Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
				ends.entrySet().removeIf((e) -> e.getValue() <= consumer.position(e.getKey(), Duration.ofSeconds(30)));
				while (!ends.isEmpty() && found.size() < filter.max()) {
					for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
						Long end = ends.get(new TopicPartition(record.topic(), record.partition()));
						if (end != null && record.offset() < end && found.size() < filter.max()) {
							StuckRecord stuck = read(record);
							if (filter.matches(stuck)) {
								found.add(stuck);
							}
						}
					}
					ends.entrySet().removeIf((e) -> e.getValue() <= consumer.position(e.getKey()));
				}
			}
		}
		return found;
	}

	static StuckRecord read(ConsumerRecord<byte[], byte[]> record) {
		Headers headers = record.headers();
		String exception = StuckRecordHeaders.text(headers, StuckRecordHeaders.EXCEPTION);
		if (exception == null) {
			exception = StuckRecordHeaders.text(headers, StuckRecordHeaders.EXCEPTION_FQCN);
		}
		String reason = StuckRecordHeaders.text(headers, StuckRecordHeaders.REASON);
		if (reason == null) {
			reason = StuckRecordHeaders.text(headers, StuckRecordHeaders.EXCEPTION_MESSAGE);
		}
		Long originalTimestamp = StuckRecordHeaders.originalLong(headers, StuckRecordHeaders.ORIGINAL_TIMESTAMP);
		return new StuckRecord(record.topic(), record.partition(), record.offset(),
				record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
				StuckRecordHeaders.deadLetteredAt(headers, record.timestamp()),
				StuckRecordHeaders.text(headers, StuckRecordHeaders.ATTEMPTS), StuckRecordHeaders.replayCount(headers),
				StuckRecordHeaders.text(headers, StuckRecordHeaders.ORIGINAL_TOPIC),
				StuckRecordHeaders.originalPartition(headers),
				StuckRecordHeaders.originalLong(headers, StuckRecordHeaders.ORIGINAL_OFFSET),
				originalTimestamp == null ? null : Instant.ofEpochMilli(originalTimestamp), exception, reason);
	}

}
