package dev.factorhealer.okta;

import java.net.URI;
import java.time.Instant;

/**
 * Okta's System Log API ({@code GET /api/v1/logs}) in polling mode, on its own rate-limit
 * bucket ({@code okta-logs}, budget {@code healer.systemlog.requests-per-minute}): its
 * own call budget, throttle gate, retries and circuit breaker, because Okta counts
 * {@code /api/v1/logs} in a bucket of its own (20 to 120 calls per minute, shared with
 * every other integration of the org). A 429 is waited out until
 * {@code X-Rate-Limit-Reset}; no call starts, and no wait extends, past the deadline.
 */
public interface OktaSystemLog {

	/** {@code healer.systemlog.requests-per-minute} when it is not set. */
	int DEFAULT_REQUESTS_PER_MINUTE = 10;

	/**
	 * The {@code operation} tag of {@code healer_okta_requests_seconds} for these calls.
	 */
	String OPERATION = "list_logs";

	/**
	 * Fetches one page. Without {@code next}, the first page of a polling query:
	 * {@code /api/v1/logs?since=...&filter=...&limit=...} (no {@code until}, so ascending
	 * and open ended); with it, exactly that link, as Okta gave it (never rebuilt).
	 * @param next the {@code next} link of the previous page, or {@code null} to start a
	 * query
	 * @param since lower bound of the first query (ignored with {@code next})
	 * @param filter SCIM filter of the first query, {@code null} or blank for none
	 * (ignored with {@code next}: the link carries it)
	 * @param limit page size of the first query, 1 to 1000 (ignored with {@code next})
	 * @param deadline no call starts, and no wait extends, past it
	 * @throws OktaException.Rejected on a 4xx other than 429 (bad filter, unknown cursor,
	 * no {@code okta.logs.read} right...)
	 * @throws OktaException.Unavailable when retries or the deadline are spent, or the
	 * answer is not a page of events
	 * @throws IllegalArgumentException when {@code next} is not on the org (the token
	 * never leaves for another host)
	 */
	OktaAnswer<LogPage> fetch(URI next, Instant since, String filter, int limit, Instant deadline);

}
