package dev.factorhealer.system;

import java.util.Optional;

import org.springframework.core.NestedExceptionUtils;

/**
 * The one walk of an exception's cause chain. Frameworks wrap what really failed
 * (listener execution, messaging, HTTP client, futures); every decision that depends on
 * that failure looks through the wrappers here, guarded against self-referencing causes,
 * instead of writing its own loop.
 */
public final class Causes {

	private Causes() {
	}

	/**
	 * The first exception of {@code type} in the chain of {@code ex}, {@code ex} itself
	 * included.
	 */
	public static <T extends Throwable> Optional<T> find(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			if (type.isInstance(cause)) {
				return Optional.of(type.cast(cause));
			}
		}
		return Optional.empty();
	}

	/** Whether any exception in the chain of {@code ex} is one of {@code types}. */
	@SafeVarargs
	public static boolean any(Throwable ex, Class<? extends Throwable>... types) {
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			for (Class<? extends Throwable> type : types) {
				if (type.isInstance(cause)) {
					return true;
				}
			}
		}
		return false;
	}

	/** The deepest cause of {@code ex}, or {@code ex} when it has none. */
	public static Throwable root(Throwable ex) {
		Throwable root = NestedExceptionUtils.getRootCause(ex);
		return (root != null) ? root : ex;
	}

	/**
	 * {@code SimpleName: message} of the deepest cause, for one log line or result
	 * detail.
	 */
	public static String rootMessage(Throwable ex) {
		Throwable root = root(ex);
		return root.getClass().getSimpleName() + ((root.getMessage() != null) ? ": " + root.getMessage() : "");
	}

	private static Throwable next(Throwable cause) {
		Throwable next = cause.getCause();
		return (next == cause) ? null : next;
	}

}
