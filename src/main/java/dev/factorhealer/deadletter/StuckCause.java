package dev.factorhealer.deadletter;

/**
 * The exception that really failed a record, with the framework's wrappers (listener execution,
 * messaging) peeled off, and a one-line reason for operators.
 */
final class StuckCause {

	private StuckCause() {
	}

	static Throwable of(Throwable exception) {
		Throwable deepest = exception;
		for (Throwable current = exception; current != null; current = current.getCause()) {
			if (current instanceof UnprocessableRecordException) {
				return current;
			}
			deepest = current;
			if (current.getCause() == current) {
				break;
			}
		}
		return deepest;
	}

	static String reason(Throwable cause) {
		String message = cause.getMessage();
		String reason = message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
		return reason.length() > 1000 ? reason.substring(0, 1000) : reason;
	}

}
