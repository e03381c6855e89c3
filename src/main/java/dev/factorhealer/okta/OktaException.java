package dev.factorhealer.okta;

/**
 * A call to Okta that did not succeed. Never carries the API token; {@link #errorId()} is
 * what Okta support asks for.
 */
public abstract sealed class OktaException extends RuntimeException
		permits OktaException.UserNotFound, OktaException.Rejected, OktaException.Unavailable {

	private final int status;

	private final String errorCode;

	private final String errorId;

	private final int attempts;

	OktaException(String message, int status, String errorCode, String errorId, int attempts, Throwable cause) {
		super(message, cause);
		this.status = status;
		this.errorCode = errorCode;
		this.errorId = errorId;
		this.attempts = attempts;
	}

	/**
	 * HTTP status of the last answer, 0 when there was none (timeout, connection error,
	 * circuit open).
	 */
	public int status() {
		return this.status;
	}

	/** Okta's {@code errorCode} (e.g. {@code E0000007}), or {@code null}. */
	public String errorCode() {
		return this.errorCode;
	}

	/** Okta's {@code errorId}, or {@code null}. */
	public String errorId() {
		return this.errorId;
	}

	/** HTTP calls made, retries included. */
	public int attempts() {
		return this.attempts;
	}

	/** 404 on listing a user's factors: the user does not exist (any more). */
	public static final class UserNotFound extends OktaException {

		public UserNotFound(String message, String errorCode, String errorId, int attempts) {
			super(message, 404, errorCode, errorId, attempts, null);
		}

	}

	/**
	 * A 4xx other than 429: retrying cannot help (bad token, no rights, deactivated
	 * user...).
	 */
	public static final class Rejected extends OktaException {

		public Rejected(String message, int status, String errorCode, String errorId, int attempts) {
			super(message, status, errorCode, errorId, attempts, null);
		}

	}

	/**
	 * Okta could not be reached or kept failing (5xx, timeouts, connection errors, 429
	 * past the deadline, circuit open) and the retries are spent. Worth another try
	 * later.
	 */
	public static final class Unavailable extends OktaException {

		public Unavailable(String message, int status, String errorCode, String errorId, int attempts,
				Throwable cause) {
			super(message, status, errorCode, errorId, attempts, cause);
		}

	}

}
