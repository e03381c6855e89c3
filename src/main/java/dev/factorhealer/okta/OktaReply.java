package dev.factorhealer.okta;

import java.time.Duration;
import java.time.Instant;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;

/**
 * One HTTP answer from Okta as read off the wire: status, rate-limit headers, the error
 * fields of its body and the body itself. ({@link OktaAnswer} is the result of a whole
 * call, retries included.)
 *
 * @param status the HTTP status
 * @param rateLimit what {@code X-Rate-Limit-*} and {@code Date} said
 * @param error Okta's error fields, all {@code null} when the body has none
 * @param body the raw body (empty when there was none)
 * @param receivedAt local time the answer's headers were read
 */
record OktaReply(int status, RateLimit rateLimit, ErrorBody error, byte[] body, Instant receivedAt) {

	/** Larger bodies are cut: factor lists and error bodies are a few kilobytes. */
	static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

	static OktaReply of(int status, HttpHeaders headers, byte[] body, JsonMapper mapper, Instant receivedAt) {
		byte[] bytes = (body != null) ? body : new byte[0];
		ErrorBody error = (status >= 400) ? ErrorBody.parse(mapper, bytes) : ErrorBody.NONE;
		return new OktaReply(status, RateLimit.of(headers), error, bytes, receivedAt);
	}

	boolean isSuccess() {
		return this.status >= 200 && this.status < 300;
	}

	boolean isThrottled() {
		return this.status == 429;
	}

	boolean isServerError() {
		return this.status >= 500;
	}

	/**
	 * Status and error fields for a log line or an exception message; never the whole
	 * body.
	 */
	String describe() {
		String error = this.error.describe();
		return error.isEmpty() ? Integer.toString(this.status) : this.status + " " + error;
	}

	/**
	 * The {@code X-Rate-Limit-*} headers of an answer ({@code null} when missing or
	 * unreadable).
	 *
	 * @param limit {@code X-Rate-Limit-Limit}
	 * @param remaining {@code X-Rate-Limit-Remaining}
	 * @param resetEpochSeconds {@code X-Rate-Limit-Reset}: UTC epoch seconds when the
	 * window resets
	 * @param date the answer's {@code Date}: Okta's clock, one-second precision
	 */
	record RateLimit(Integer limit, Integer remaining, Long resetEpochSeconds, Instant date, String rawReset) {

		/**
		 * Okta's window is one minute; {@code Date} is rounded down and the reset up to a
		 * whole second, so a genuine reset can lie up to this much beyond the window.
		 */
		static final Duration ROUNDING = Duration.ofSeconds(2);

		RateLimit(Integer limit, Integer remaining, Long resetEpochSeconds, Instant date) {
			this(limit, remaining, resetEpochSeconds, date,
					(resetEpochSeconds != null) ? resetEpochSeconds.toString() : null);
		}

		static RateLimit of(HttpHeaders headers) {
			return new RateLimit(integer(headers, "X-Rate-Limit-Limit"), integer(headers, "X-Rate-Limit-Remaining"),
					longValue(headers, "X-Rate-Limit-Reset"), date(headers), headers.getFirst("X-Rate-Limit-Reset"));
		}

		/**
		 * The local instant from which a call may start again in this bucket. Okta's
		 * reset is on Okta's clock, so it is taken relative to the answer's {@code Date}
		 * when there is one (Date has whole seconds and is rounded down, so this errs on
		 * the late side), else relative to the local clock; plus {@code margin}. A reset
		 * Okta's headers can't be trusted for (see {@link #isTrusted}) means
		 * {@code maxWait} from now: the gate always reopens.
		 */
		Instant resumeAt(Instant receivedAt, Duration margin, Duration maxWait) {
			Duration untilReset = untilReset(receivedAt);
			if (untilReset == null || !isTrusted(receivedAt, maxWait)) {
				return receivedAt.plus(maxWait);
			}
			return receivedAt.plus(untilReset).plus(margin);
		}

		/**
		 * {@code false} when the reset is missing, not a number, not after {@code Date},
		 * or more than {@code maxWait} (plus Okta's rounding) ahead: e.g. milliseconds
		 * sent as seconds.
		 */
		boolean isTrusted(Instant receivedAt, Duration maxWait) {
			Duration untilReset = untilReset(receivedAt);
			return untilReset != null && !untilReset.isNegative() && !untilReset.isZero()
					&& untilReset.compareTo(maxWait.plus(ROUNDING)) <= 0;
		}

		private Duration untilReset(Instant receivedAt) {
			if (this.resetEpochSeconds == null || this.resetEpochSeconds > Instant.MAX.getEpochSecond() / 2
					|| this.resetEpochSeconds < 0) {
				return null;
			}
			Instant reset = Instant.ofEpochSecond(this.resetEpochSeconds);
			return Duration.between((this.date != null) ? this.date : receivedAt, reset);
		}

		private static Integer integer(HttpHeaders headers, String name) {
			Long value = longValue(headers, name);
			return (value != null && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) ? value.intValue()
					: null;
		}

		private static Long longValue(HttpHeaders headers, String name) {
			String value = headers.getFirst(name);
			if (value == null) {
				return null;
			}
			try {
				return Long.parseLong(value.strip());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

		private static Instant date(HttpHeaders headers) {
			try {
				long millis = headers.getFirstDate(HttpHeaders.DATE);
				return (millis >= 0) ? Instant.ofEpochMilli(millis) : null;
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}

	}

	/**
	 * Okta's error fields ({@code errorCode}, {@code errorSummary}, {@code errorId}),
	 * read tolerantly: a missing, empty or non-JSON body gives {@code null}s.
	 */
	record ErrorBody(String errorCode, String errorSummary, String errorId) {

		static final ErrorBody NONE = new ErrorBody(null, null, null);

		private static final int MAX_SUMMARY = 200;

		static ErrorBody parse(JsonMapper mapper, byte[] body) {
			if (body.length == 0) {
				return NONE;
			}
			try {
				JsonNode node = mapper.readTree(body);
				if (node == null || !node.isObject()) {
					return NONE;
				}
				return new ErrorBody(text(node, "errorCode"), text(node, "errorSummary"), text(node, "errorId"));
			}
			catch (JacksonException | IllegalArgumentException ex) {
				return NONE;
			}
		}

		String describe() {
			StringBuilder text = new StringBuilder();
			if (this.errorCode != null) {
				text.append(this.errorCode);
			}
			if (this.errorId != null) {
				text.append((text.length() > 0) ? " " : "").append("errorId=").append(this.errorId);
			}
			if (this.errorSummary != null) {
				String summary = (this.errorSummary.length() > MAX_SUMMARY)
						? this.errorSummary.substring(0, MAX_SUMMARY) + "..." : this.errorSummary;
				text.append((text.length() > 0) ? " " : "").append('"').append(summary).append('"');
			}
			return text.toString();
		}

		private static String text(JsonNode node, String field) {
			JsonNode value = node.get(field);
			return (value != null && value.isString()) ? value.asString() : null;
		}

	}

}
