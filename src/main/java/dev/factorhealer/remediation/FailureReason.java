package dev.factorhealer.remediation;

/**
 * Why a request ended {@link RemediationOutcome#FAILED}, as a type: the worker counts
 * capped requests and operators group stuck requests by it, which a sentence in
 * {@code detail} cannot carry reliably. Written on the result as {@code failureReason};
 * absent for every other outcome.
 */
public enum FailureReason {

	/**
	 * The request asked for a factor type outside
	 * {@code healer.remediation.factor-types}.
	 */
	FACTOR_TYPE_NOT_ALLOWED,

	/**
	 * Okta listed a pending factor whose id is not a valid Okta id; nothing was deleted.
	 */
	INVALID_FACTOR_ID,

	/** The brake was engaged when the DELETE was due. */
	BRAKE_ENGAGED,

	/**
	 * No slot under {@code healer.remediation.max-deletions-per-hour}, or the ledger was
	 * unreachable.
	 */
	DELETION_CAP,

	/** Okta's answer (or its absence) made the listing or a DELETE fail. */
	OKTA_ERROR

}
