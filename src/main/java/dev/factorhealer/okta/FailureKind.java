package dev.factorhealer.okta;

/**
 * Why one HTTP attempt gave no final answer, and whether Retry may try again. A closed
 * set, so the wait before the next attempt ({@link RetryWaits}) and the final exception
 * are decided by type.
 */
enum FailureKind {

	THROTTLED(true), SERVER_ERROR(true), TIMEOUT(true), IO_ERROR(true), CIRCUIT_OPEN(true), NO_PERMIT(true),
	TOKEN_UNAVAILABLE(true),

	/**
	 * The credential asked for the call again (token renewed, DPoP nonce taken): no wait.
	 */
	REPEAT(true),

	/**
	 * A DELETE's status read got too old before the attempt could start: confirm it
	 * again, no wait.
	 */
	STALE(true),

	/**
	 * The status read before a DELETE could not be made (it has retried on its own): wait
	 * and read again.
	 */
	READ_FAILED(true),

	DEADLINE(false), INTERRUPTED(false), TOKEN_REJECTED(false);

	final boolean retryable;

	FailureKind(boolean retryable) {
		this.retryable = retryable;
	}

}
