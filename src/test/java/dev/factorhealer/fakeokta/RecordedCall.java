package dev.factorhealer.fakeokta;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request the fake org received, with what it answered.
 *
 * @param sequence 1-based order of arrival
 * @param receivedAt when the dispatcher handled it (the instant used for rate limiting)
 * @param method HTTP method
 * @param path encoded path, e.g. {@code /api/v1/users/00u.../factors}
 * @param query encoded query string without {@code ?}, or {@code null}
 * @param queryParameters decoded query parameters (immutable)
 * @param status status answered, or {@link #CONNECTION_DROPPED} when the connection was
 * dropped
 * @param authorizationPresent an {@code Authorization} header was sent
 * @param authorizationValid it was accepted: exactly {@code SSWS <token>}, or a service
 * app's valid access token (with its DPoP proof); on the token endpoint: a token was
 * issued
 * @param bucket the rate-limit bucket the path belongs to
 * @param accepted the call passed authentication and rate limiting, i.e. it consumed one
 * unit of its bucket (these are what {@link FakeOktaOrg#maxCallsInAnySlidingWindow}
 * counts)
 * @param fault why the answer was not the normal one, {@link Fault#NONE} if it was
 */
public record RecordedCall(long sequence, Instant receivedAt, String method, String path, String query,
		Map<String, List<String>> queryParameters, int status, boolean authorizationPresent, boolean authorizationValid,
		RateLimitBucket bucket, boolean accepted, Fault fault) {

	/** {@link #status()} of a call whose connection was dropped without an answer. */
	public static final int CONNECTION_DROPPED = 0;

	/** What made an answer differ from the normal one. */
	public enum Fault {

		NONE,
		/** {@code resetConnections}: dropped before processing, no state change. */
		CONNECTION_RESET,
		/** {@code failNext}. */
		FAIL_NEXT,
		/** {@code failAlways}. */
		FAIL_ALWAYS,
		/** 429 because of {@code throttleNextWithReset}. */
		FORCED_THROTTLE,
		/** 429 because the bucket's window was used up. */
		RATE_LIMITED,
		/**
		 * {@code deleteTakesEffectButFails}: the factor was removed, the answer was an
		 * error or a drop.
		 */
		DELETE_TOOK_EFFECT_BUT_FAILED

	}

	public RecordedCall {
		queryParameters = Map.copyOf(queryParameters);
	}

	/** First value of a decoded query parameter. */
	public Optional<String> queryParameter(String name) {
		List<String> values = queryParameters.get(name);
		return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
	}

	public boolean connectionDropped() {
		return status == CONNECTION_DROPPED;
	}

	/**
	 * Answered 429 (by the rate limiter, a forced throttle, or {@code failNext(n, 429)}).
	 */
	public boolean throttled() {
		return status == 429;
	}
}
