package dev.factorhealer.okta;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The two Factors API calls the healer makes. Every HTTP call counts against the call
 * budget, waits out a 429 until {@code X-Rate-Limit-Reset}, and is retried only while the
 * deadline allows; a call never starts, and a retry wait never extends, past the
 * deadline.
 */
public interface OktaFactors {

	/**
	 * {@code GET /api/v1/users/{userId}/factors}.
	 * @throws OktaException.UserNotFound when Okta answers 404
	 * @throws OktaException.Rejected on another 4xx (not 429)
	 * @throws OktaException.Unavailable when retries or the deadline are spent
	 */
	default OktaAnswer<List<UserFactor>> listFactors(String userId, Instant deadline) {
		return listFactors(userId, deadline, null);
	}

	/**
	 * {@link #listFactors(String, Instant)} whose first attempt uses a permit of
	 * {@code permits} (the other one is for the DELETE that may follow).
	 */
	OktaAnswer<List<UserFactor>> listFactors(String userId, Instant deadline, BudgetPermits permits);

	/**
	 * {@code GET /api/v1/users/{userId}/factors/{factorId}}: the factor's status right
	 * now; empty when Okta answers 404 (the factor, or its user, is gone).
	 * @throws OktaException.Rejected on another 4xx (not 429)
	 * @throws OktaException.Unavailable when retries or the deadline are spent
	 */
	OktaAnswer<Optional<UserFactor>> getFactor(String userId, String factorId, Instant deadline, BudgetPermits permits);

	/**
	 * Two budget permits for a status read and the DELETE right after it.
	 * @throws OktaException.Unavailable when they come only after the deadline
	 */
	BudgetPermits reservePair(Instant deadline);

	/**
	 * {@code DELETE /api/v1/users/{userId}/factors/{factorId}}: 204 is
	 * {@link Unenrollment#DELETED}, 404 is {@link Unenrollment#ALREADY_REMOVED}. The
	 * guard confirms the factor's status before every attempt (see {@link DeleteGuard});
	 * its exception ends the call unchanged.
	 * @throws OktaException.Rejected on another 4xx (not 429)
	 * @throws OktaException.Unavailable when retries or the deadline are spent
	 */
	OktaAnswer<Unenrollment> deleteFactor(String userId, String factorId, Instant deadline, DeleteGuard guard);

	/**
	 * Takes this replica's share of the budget of the factors bucket: {@code owned} of
	 * the {@code total} partitions of the requests topic (see {@code docs/replicas.md}).
	 * @return the calls a minute this replica may now make
	 */
	int shareBudget(int owned, int total);

}
