package dev.factorhealer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StuckRecordHeadersTests {

	@Test
	void readsTheDeadLetteredTimeAsInstantParseDoes() {
		for (String at : List.of("2026-12-02T00:30:00Z", "2026-12-02T00:30:00.1Z", "2026-12-02T00:30:00.123Z",
				"2024-02-29T23:59:59.123456Z", "1970-01-01T00:00:00.000000001Z", "2026-12-02T01:30:00+01:00",
				"+12026-12-02T00:30:00Z")) {
			assertThat(StuckRecordHeaders.deadLetteredAt(headers(at), 0)).as(at).isEqualTo(Instant.parse(at));
		}
	}

	@Test
	void fallsBackToTheRecordTimestampWhenTheTimeIsMissingOrUnreadable() {
		for (String at : List.of("2026-13-02T00:30:00Z", "2026-12-02T00:3x:00Z", "2026-12-02T00:30:00.1234567890Z",
				"yesterday")) {
			assertThat(StuckRecordHeaders.deadLetteredAt(headers(at), 42)).as(at).isEqualTo(Instant.ofEpochMilli(42));
		}
		assertThat(StuckRecordHeaders.deadLetteredAt(new RecordHeaders(), 42)).isEqualTo(Instant.ofEpochMilli(42));
	}

	@Test
	void readsTheReplayCountAsIntegerParseIntDoesAndZeroForAnythingElse() {
		for (String count : List.of("0", "3", "123456789", " 2 ", "+4", "1234567890")) {
			assertThat(StuckRecordHeaders.replayCount(headers(StuckRecordHeaders.REPLAY_COUNT, count))).as(count)
				.isEqualTo(Integer.parseInt(count.trim()));
		}
		for (String count : List.of("", "x", "1x", "99999999999")) {
			assertThat(StuckRecordHeaders.replayCount(headers(StuckRecordHeaders.REPLAY_COUNT, count))).as(count)
				.isZero();
		}
		assertThat(StuckRecordHeaders.replayCount(new RecordHeaders())).isZero();
	}

	@Test
	void replayedRecordsGoBackWithoutTheHeadersOfTheirStay() {
		assertThat(List.of(StuckRecordHeaders.ORIGINAL_TOPIC, StuckRecordHeaders.EXCEPTION_MESSAGE,
				StuckRecordHeaders.REASON, StuckRecordHeaders.REPLAY_COUNT, StuckRecordHeaders.DELIVERY_ATTEMPT))
			.allMatch(StuckRecordHeaders::isStuckHeader);
		assertThat(List.of(StuckRecordHeaders.REPLAYED_FROM, "okta-event-uuid", "source"))
			.noneMatch(StuckRecordHeaders::isStuckHeader);
	}

	private static RecordHeaders headers(String at) {
		return headers(StuckRecordHeaders.DEAD_LETTERED_AT, at);
	}

	private static RecordHeaders headers(String name, String value) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
		return headers;
	}

}
