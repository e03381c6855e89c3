package dev.factorhealer.okta;

/**
 * No access token could be had from Okta's token endpoint. The message says which setting
 * or grant is wrong; it never carries the key, the assertion or a token.
 */
public final class OktaTokenException extends RuntimeException {

	private final Reason reason;

	OktaTokenException(Reason reason, String message) {
		super(message, null, false, false);
		this.reason = reason;
	}

	public Reason reason() {
		return this.reason;
	}

	/** Whether a later try may succeed without a change of settings or grants. */
	public boolean isTransient() {
		return this.reason == Reason.UNAVAILABLE;
	}

	/** Why the token endpoint gave no token. */
	public enum Reason {

		/** {@code invalid_client} about the client id: Okta has no such app. */
		UNKNOWN_CLIENT,

		/**
		 * {@code invalid_client} about the assertion: the key (or kid) is not the app's.
		 */
		WRONG_KEY,

		/** {@code invalid_scope}: a requested scope is not granted to the app. */
		SCOPE_NOT_GRANTED,

		/**
		 * {@code invalid_dpop_proof}: DPoP is on here and off in the app, or the other
		 * way round.
		 */
		DPOP_MISMATCH,

		/** Any other refusal. */
		REJECTED,

		/**
		 * 429, 5xx, timeout, connection error, or the token budget spent: worth another
		 * try.
		 */
		UNAVAILABLE

	}

}
