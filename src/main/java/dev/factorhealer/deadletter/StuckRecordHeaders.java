package dev.factorhealer.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import org.springframework.kafka.support.KafkaHeaders;

/**
 * Headers of a record on a stuck-event topic. The {@code kafka_dlt-*} ones are spring-kafka's own
 * (binary: partition a 4-byte int, offset and timestamp 8-byte longs); the {@code healer-*} ones
 * are UTF-8 text, readable with any Kafka tool.
 */
public final class StuckRecordHeaders {

	public static final String ORIGINAL_TOPIC = KafkaHeaders.DLT_ORIGINAL_TOPIC;

	public static final String ORIGINAL_PARTITION = KafkaHeaders.DLT_ORIGINAL_PARTITION;

	public static final String ORIGINAL_OFFSET = KafkaHeaders.DLT_ORIGINAL_OFFSET;

	public static final String ORIGINAL_TIMESTAMP = KafkaHeaders.DLT_ORIGINAL_TIMESTAMP;

	public static final String EXCEPTION_FQCN = KafkaHeaders.DLT_EXCEPTION_FQCN;

	public static final String EXCEPTION_MESSAGE = KafkaHeaders.DLT_EXCEPTION_MESSAGE;

	/** The class of the exception that really failed the record (wrappers removed). */
	public static final String EXCEPTION = "healer-exception";

	/** Why the record is stuck, in words (the exception's message, or the remediation reason). */
	public static final String REASON = "healer-reason";

	/** How many times the record was tried before it was dead-lettered. */
	public static final String ATTEMPTS = "healer-attempts";

	/** When it was dead-lettered (ISO-8601). */
	public static final String DEAD_LETTERED_AT = "healer-dead-lettered-at";

	/** The original record's key as text, for operators' tools. */
	public static final String ORIGINAL_KEY = "healer-original-key";

	/** How many times the record was replayed from a stuck topic; the loop guard reads it. */
	public static final String REPLAY_COUNT = "healer-replay-count";

	private StuckRecordHeaders() {
	}

	public static String text(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
	}

	public static int replayCount(Headers headers) {
		String value = text(headers, REPLAY_COUNT);
		try {
			return value == null ? 0 : Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	public static Integer originalPartition(Headers headers) {
		Header header = headers.lastHeader(ORIGINAL_PARTITION);
		return header == null || header.value().length != 4 ? null : ByteBuffer.wrap(header.value()).getInt();
	}

	public static Long originalLong(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return header == null || header.value().length != 8 ? null : ByteBuffer.wrap(header.value()).getLong();
	}

}
