package dev.factorhealer.remediation;

/** How a remediation request ended; the {@code outcome} of a result record. */
public enum RemediationOutcome {

	/** The pending factor was unenrolled by this request. */
	DELETED,

	/** The pending factor was already gone when we deleted it (404): success. */
	ALREADY_REMOVED,

	/** No factor of the type is in {@code PENDING_ACTIVATION}: nothing to do. */
	NOT_PENDING,

	/**
	 * The only pending factor of the type was created after the failing event was
	 * published: a new enrollment in progress, not the stuck factor; never deleted.
	 */
	NEWER_THAN_FAILURE,

	/** Okta does not know the user (any more). */
	USER_NOT_FOUND,

	/** {@code dry-run} mode: what would have been deleted, without deleting. */
	DRY_RUN,

	/**
	 * Could not be done now (Okta down, rejected, cap reached); the request is on the
	 * stuck topic.
	 */
	FAILED

}
