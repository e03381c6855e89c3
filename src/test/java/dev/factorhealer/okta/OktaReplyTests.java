package dev.factorhealer.okta;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading an answer: rate-limit headers on Okta's clock, and error bodies that may be
 * missing, partial or not JSON at all.
 */
class OktaReplyTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration MARGIN = Duration.ofMillis(250);

	private static final Duration MAX_WAIT = Duration.ofSeconds(60);

	@Test
	void theResetCountsFromOktasDateNotFromTheLocalClock() {
		Instant oktaNow = Instant.parse("2026-11-28T12:00:00Z");
		// the local clock runs 90 s ahead of Okta's: Okta's reset is 5 s away, whatever
		// the local clock says
		Instant localNow = oktaNow.plusSeconds(90);
		OktaReply reply = reply(429, headers("100", "0", oktaNow.plusSeconds(5), oktaNow), "", localNow);

		assertThat(reply.rateLimit().resumeAt(localNow, MARGIN, MAX_WAIT))
			.isEqualTo(localNow.plusSeconds(5).plus(MARGIN));
	}

	@Test
	void withoutADateTheResetCountsFromTheLocalClock() {
		Instant localNow = Instant.parse("2026-11-28T12:00:00.400Z");
		HttpHeaders headers = headers("100", "0", Instant.parse("2026-11-28T12:00:03Z"), null);

		OktaReply reply = reply(429, headers, "", localNow);

		assertThat(reply.rateLimit().resumeAt(localNow, MARGIN, MAX_WAIT))
			.isEqualTo(Instant.parse("2026-11-28T12:00:03.250Z"));
	}

	@Test
	void aMissingPastOrGarbledResetMeansTheMaximumWait() {
		Instant now = Instant.parse("2026-11-28T12:00:00Z");
		OktaReply missing = reply(429, new HttpHeaders(), "", now);
		OktaReply past = reply(429, headers("100", "0", now.minusSeconds(10), now), "", now);
		HttpHeaders garbage = new HttpHeaders();
		garbage.set("X-Rate-Limit-Reset", "soon");
		garbage.set(HttpHeaders.DATE, "yesterday");
		OktaReply garbled = reply(429, garbage, "", now);

		for (OktaReply reply : List.of(missing, past, garbled)) {
			assertThat(reply.rateLimit().isTrusted(now, MAX_WAIT)).isFalse();
			assertThat(reply.rateLimit().resumeAt(now, MARGIN, MAX_WAIT)).isEqualTo(now.plus(MAX_WAIT));
		}
		assertThat(garbled.rateLimit().rawReset()).isEqualTo("soon");
	}

	@Test
	void aResetInMillisecondsOrHoursAheadIsCappedAtTheMaximumWait() {
		Instant now = Instant.parse("2026-11-28T12:00:00Z");
		HttpHeaders millis = headers("100", "0", now, now);
		millis.set("X-Rate-Limit-Reset", Long.toString(now.plusSeconds(30).toEpochMilli()));
		OktaReply inMillis = reply(429, millis, "", now);
		OktaReply hoursAhead = reply(429, headers("100", "0", now.plusSeconds(3 * 3600), now), "", now);

		for (OktaReply reply : List.of(inMillis, hoursAhead)) {
			assertThat(reply.rateLimit().isTrusted(now, MAX_WAIT)).isFalse();
			assertThat(reply.rateLimit().resumeAt(now, MARGIN, MAX_WAIT)).isEqualTo(now.plus(MAX_WAIT));
		}
	}

	@Test
	void aGenuineResetAMinuteAheadWithOktasRoundingIsTrusted() {
		Instant now = Instant.parse("2026-11-28T12:00:00.900Z");
		Instant date = Instant.parse("2026-11-28T12:00:00Z");
		OktaReply reply = reply(429, headers("100", "0", date.plusSeconds(61), date), "", now);

		assertThat(reply.rateLimit().isTrusted(now, MAX_WAIT)).isTrue();
		assertThat(reply.rateLimit().resumeAt(now, MARGIN, MAX_WAIT)).isEqualTo(now.plusSeconds(61).plus(MARGIN));
	}

	@Test
	void readsTheRateLimitHeaders() {
		Instant now = Instant.parse("2026-11-28T12:00:00Z");

		OktaReply reply = reply(200, headers("600", "598", now.plusSeconds(42), now), "[]", now);

		assertThat(reply.rateLimit())
			.isEqualTo(new OktaReply.RateLimit(600, 598, now.plusSeconds(42).getEpochSecond(), now));
	}

	@Test
	void readsOktasErrorFieldsAndNothingElse() {
		OktaReply reply = reply(404, new HttpHeaders(), """
				{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00u1 (User)",
				 "errorLink":"E0000007","errorId":"oae123","errorCauses":[],"somethingNew":{"a":1}}""", Instant.now());

		assertThat(reply.error())
			.isEqualTo(new OktaReply.ErrorBody("E0000007", "Not found: Resource not found: 00u1 (User)", "oae123"));
		assertThat(reply.describe())
			.isEqualTo("404 E0000007 errorId=oae123 \"Not found: Resource not found: 00u1 (User)\"");
	}

	@Test
	void toleratesErrorBodiesThatAreMissingPartialOrNotJson() {
		Instant now = Instant.now();

		assertThat(reply(503, new HttpHeaders(), "", now).error()).isEqualTo(OktaReply.ErrorBody.NONE);
		assertThat(reply(502, new HttpHeaders(), "<html>Bad Gateway</html>", now).error())
			.isEqualTo(OktaReply.ErrorBody.NONE);
		assertThat(reply(500, new HttpHeaders(), "[1,2]", now).error()).isEqualTo(OktaReply.ErrorBody.NONE);
		assertThat(reply(403, new HttpHeaders(), "{\"errorCode\":42,\"errorId\":\"oaeX\"}", now).error())
			.isEqualTo(new OktaReply.ErrorBody(null, null, "oaeX"));
		assertThat(reply(503, new HttpHeaders(), "", now).describe()).isEqualTo("503");
	}

	private static OktaReply reply(int status, HttpHeaders headers, String body, Instant receivedAt) {
		return OktaReply.of(status, headers, body.getBytes(StandardCharsets.UTF_8), JSON, receivedAt);
	}

	private static HttpHeaders headers(String limit, String remaining, Instant reset, Instant date) {
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-Rate-Limit-Limit", limit);
		headers.set("X-Rate-Limit-Remaining", remaining);
		headers.set("X-Rate-Limit-Reset", Long.toString(reset.getEpochSecond()));
		if (date != null) {
			headers.set(HttpHeaders.DATE, DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(date));
		}
		return headers;
	}

}
