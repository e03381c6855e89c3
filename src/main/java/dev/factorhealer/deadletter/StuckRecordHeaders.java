package dev.factorhealer.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import org.springframework.kafka.support.KafkaHeaders;

/**
 * Headers of a record on a stuck-event topic. The {@code kafka_dlt-*} ones are
 * spring-kafka's own (binary: partition a 4-byte int, offset and timestamp 8-byte longs);
 * the {@code healer-*} ones are UTF-8 text, readable with any Kafka tool.
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

	/**
	 * Why the record is stuck, in words (the exception's message, or the remediation
	 * reason).
	 */
	public static final String REASON = "healer-reason";

	/** How many times the record was tried before it was dead-lettered. */
	public static final String ATTEMPTS = "healer-attempts";

	/** When it was dead-lettered (ISO-8601). */
	public static final String DEAD_LETTERED_AT = "healer-dead-lettered-at";

	/** The original record's key as text, for operators' tools. */
	public static final String ORIGINAL_KEY = "healer-original-key";

	/**
	 * How many times the record was replayed from a stuck topic; the loop guard reads it.
	 */
	public static final String REPLAY_COUNT = "healer-replay-count";

	/**
	 * On a replayed record: the stuck record it came from
	 * ({@code topic/partition/offset}).
	 */
	public static final String REPLAYED_FROM = "healer-replayed-from";

	/**
	 * spring-kafka's delivery attempt (a 4-byte int), present while a record is retried.
	 */
	public static final String DELIVERY_ATTEMPT = KafkaHeaders.DELIVERY_ATTEMPT;

	/**
	 * The headers that say why a record failed, in the order an operator's filter looks
	 * at them.
	 */
	public static final List<String> FAILURE = List.of(EXCEPTION, REASON, EXCEPTION_FQCN, EXCEPTION_MESSAGE);

	private static final String SPRING_KAFKA_DEAD_LETTER_PREFIX = KafkaHeaders.PREFIX + "dlt-";

	private static final Set<String> OWN = Set.of(EXCEPTION, REASON, ATTEMPTS, DEAD_LETTERED_AT, ORIGINAL_KEY,
			REPLAY_COUNT, DELIVERY_ATTEMPT);

	private StuckRecordHeaders() {
	}

	/**
	 * Whether {@code name} was added because the record got stuck (by spring-kafka or by
	 * us), so a replay sends the record back without it.
	 */
	public static boolean isStuckHeader(String name) {
		return name.startsWith(SPRING_KAFKA_DEAD_LETTER_PREFIX) || OWN.contains(name);
	}

	/** When the record was dead-lettered: its header, else the record's own timestamp. */
	public static Instant deadLetteredAt(Headers headers, long recordTimestamp) {
		Header header = headers.lastHeader(DEAD_LETTERED_AT);
		if (header != null && header.value() != null) {
			try {
				return instant(header.value());
			}
			catch (DateTimeException ex) {
				// the record's own timestamp
			}
		}
		return Instant.ofEpochMilli(recordTimestamp);
	}

	/**
	 * Reads the header as {@link Instant#toString()} wrote it
	 * ({@code 2026-12-02T00:30:00.123Z}) from its bytes, without the general parser or a
	 * string, either of which costs a replay filtered by time as much as sending the
	 * record; any other ISO-8601 form goes to {@link Instant#parse}.
	 */
	static Instant instant(byte[] text) {
		int end = text.length - 1;
		if (end < 19 || text[end] != 'Z' || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':'
				|| text[16] != ':' || (end > 19 && (text[19] != '.' || end == 20 || end - 20 > 9))) {
			return Instant.parse(new String(text, StandardCharsets.UTF_8));
		}
		long seconds = LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10)).toEpochDay() * 86_400
				+ LocalTime.of(digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19)).toSecondOfDay();
		int nanos = 0;
		for (int i = 20; i < end; i++) {
			nanos = nanos * 10 + digits(text, i, i + 1);
		}
		for (int i = end - 20; i < 9 && end > 19; i++) {
			nanos *= 10;
		}
		return Instant.ofEpochSecond(seconds, nanos);
	}

	private static int digits(byte[] text, int from, int to) {
		int value = 0;
		for (int i = from; i < to; i++) {
			int c = text[i];
			if (c < '0' || c > '9') {
				throw new DateTimeParseException("not an instant", new String(text, StandardCharsets.UTF_8), i);
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

	public static String text(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
	}

	public static int replayCount(Headers headers) {
		Header header = headers.lastHeader(REPLAY_COUNT);
		byte[] bytes = (header != null) ? header.value() : null;
		if (bytes == null) {
			return 0;
		}
		// plain digits, as a replay writes them, read without a string
		int count = 0;
		for (int i = 0; i < bytes.length && i < 9; i++) {
			if (bytes[i] < '0' || bytes[i] > '9') {
				count = -1;
				break;
			}
			count = count * 10 + (bytes[i] - '0');
		}
		if (count >= 0 && bytes.length > 0 && bytes.length <= 9) {
			return count;
		}
		try {
			return Integer.parseInt(new String(bytes, StandardCharsets.UTF_8).trim());
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
