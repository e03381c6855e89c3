/**
 * Okta's Management API as the healer uses it: list a user's factors, unenroll one, and
 * read the System Log ({@link dev.factorhealer.okta.OktaSystemLog}, on its own bucket and
 * budget). Owns the org URL and the credentials (an SSWS API token, or an OAuth 2.0
 * service app: {@code private_key_jwt} client credentials with DPoP-bound, cached,
 * renewed access tokens), the call budget (a resilience4j RateLimiter refreshed in small
 * slices so that no 60-second window, aligned or not, exceeds it), the retry policy (429:
 * wait until {@code X-Rate-Limit-Reset}; 5xx, timeouts, connection errors: exponential
 * backoff with jitter; other 4xx: never retried) and a circuit breaker so a down Okta is
 * not hammered. The set-up commands use {@link dev.factorhealer.okta.OktaSetup} (event
 * hooks, {@code doctor}'s checks).
 * <p>
 * Okta's Java SDK was set aside for this path: it retries DELETEs on its own (one cause
 * of the "404 after a successful DELETE" race) and brings a second Jackson.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Okta API client",
		allowedDependencies = { "events", "system" })
package dev.factorhealer.okta;
