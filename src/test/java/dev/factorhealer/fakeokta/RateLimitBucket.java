package dev.factorhealer.fakeokta;

/**
 * The rate-limit buckets the fake org keeps. Each has its own limit, window length and
 * window state; see {@link FakeOktaOrg#rateLimit} and {@link FakeOktaOrg#logsRateLimit}.
 */
public enum RateLimitBucket {

	/**
	 * "Most other API actions": {@code /api/v1/users/**} and every path that is not the
	 * System Log.
	 */
	USERS,
	/** {@code /api/v1/logs}. */
	LOGS

}
