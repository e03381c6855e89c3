package dev.factorhealer.okta;

/**
 * One attempt that did not produce a final answer; {@link FailureKind#retryable} says
 * whether Retry tries again.
 */
final class FailedAttempt extends RuntimeException {

	final transient OktaCall call;

	final FailureKind kind;

	final String reason;

	FailedAttempt(OktaCall call, FailureKind kind, String reason, Throwable cause) {
		super(kind + ": " + reason, cause, false, false);
		this.call = call;
		this.kind = kind;
		this.reason = reason;
	}

}
