package dev.factorhealer.okta;

import java.time.Instant;
import java.util.List;

/**
 * The two Factors API calls the healer makes. Every HTTP call counts against the call budget,
 * waits out a 429 until {@code X-Rate-Limit-Reset}, and is retried only while the deadline
 * allows; a call never starts, and a retry wait never extends, past the deadline.
 */
public interface OktaFactors {

	/**
	 * {@code GET /api/v1/users/{userId}/factors}.
	 * @throws OktaException.UserNotFound when Okta answers 404
	 * @throws OktaException.Rejected on another 4xx (not 429)
	 * @throws OktaException.Unavailable when retries or the deadline are spent
	 */
	OktaAnswer<List<UserFactor>> listFactors(String userId, Instant deadline);

	/**
	 * {@code DELETE /api/v1/users/{userId}/factors/{factorId}}: 204 is {@link Unenrollment#DELETED},
	 * 404 is {@link Unenrollment#ALREADY_REMOVED}.
	 * @throws OktaException.Rejected on another 4xx (not 429)
	 * @throws OktaException.Unavailable when retries or the deadline are spent
	 */
	OktaAnswer<Unenrollment> deleteFactor(String userId, String factorId, Instant deadline);

}
