package dev.factorhealer.okta;

import java.time.Instant;

/**
 * What a DELETE of a factor waits on before each attempt: the caller confirms, from a
 * status read of its own, that the factor may still be deleted, and says until when that
 * read counts as fresh. A DELETE attempt never starts after {@link Check#freshUntil}: it
 * re-confirms first (a retry after a 5xx or a timeout, or a wait for a rate-limit reset,
 * always outlives the read it started from). To stop, the guard throws; the exception
 * leaves {@link OktaFactors#deleteFactor} unchanged.
 */
@FunctionalInterface
public interface DeleteGuard {

	/**
	 * @param attempt 1 for the first DELETE attempt, then 2, 3, ... after an attempt that
	 * got no final answer
	 * @param unanswered DELETEs of this call sent so far that got a 5xx, a timeout or a
	 * connection error: they may have taken effect
	 */
	Check confirm(int attempt, int unanswered);

	/**
	 * @param freshUntil the DELETE attempt must start before this instant
	 * @param permits permits reserved with the read, for the DELETE ({@code null}: take
	 * one when due)
	 */
	record Check(Instant freshUntil, BudgetPermits permits) {
	}

}
