package dev.factorhealer.deadletter;

/**
 * A record that retrying cannot help with (bad payload, remediation failed for good,
 * deletion cap reached): it goes to the stuck-event topic at once, with this exception's
 * message as the reason.
 */
public class UnprocessableRecordException extends RuntimeException {

	public UnprocessableRecordException(String message) {
		super(message);
	}

	public UnprocessableRecordException(String message, Throwable cause) {
		super(message, cause);
	}

}
