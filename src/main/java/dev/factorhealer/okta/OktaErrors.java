package dev.factorhealer.okta;

import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;

import org.springframework.web.client.ResourceAccessException;

import dev.factorhealer.system.Causes;

/**
 * What the exceptions of one attempt mean, in one place: the {@link FailureKind} Retry
 * acts on, and what the circuit breaker counts. Kept apart from the HTTP calls so that
 * the table can be read, and tested, on its own.
 */
final class OktaErrors {

	private OktaErrors() {
	}

	/**
	 * The kind of an exception thrown inside the circuit breaker, with the reason for log
	 * lines.
	 * @param bucket the bucket's name, for the open-circuit reason
	 * @param permitTimeout the longest wait for a permit, for the no-permit reason
	 * @return {@code null} for an exception that is none of an attempt's failures (a bug:
	 * rethrow it)
	 */
	static Failure classify(RuntimeException ex, String bucket, Duration permitTimeout) {
		if (ex instanceof CallNotPermittedException) {
			return new Failure(FailureKind.CIRCUIT_OPEN, "circuit breaker '" + bucket + "' is open", ex);
		}
		if (ex instanceof RequestNotPermitted) {
			return new Failure(FailureKind.NO_PERMIT, "no budget permit within " + permitTimeout, ex);
		}
		if (ex instanceof RetryableAnswer answer) {
			return new Failure(answer.reply.isThrottled() ? FailureKind.THROTTLED : FailureKind.SERVER_ERROR,
					answer.reply.describe(), null);
		}
		if (ex instanceof RepeatAnswer) {
			return new Failure(FailureKind.REPEAT, ex.getMessage(), null);
		}
		if (ex instanceof ResourceAccessException) {
			boolean timeout = isTimeout(ex);
			return new Failure(timeout ? FailureKind.TIMEOUT : FailureKind.IO_ERROR,
					timeout ? "timed out" : "connection error (" + Causes.rootMessage(ex) + ")", ex);
		}
		return null;
	}

	/** What the circuit breaker counts as a failure: 5xx, timeouts, connection errors. */
	static boolean isOutage(Throwable ex) {
		return (ex instanceof RetryableAnswer answer && answer.reply.isServerError())
				|| ex instanceof ResourceAccessException;
	}

	/**
	 * What the circuit breaker does not count at all: 429, no permit, out of time, a
	 * repeat for the credential.
	 */
	static boolean isNotCounted(Throwable ex) {
		return (ex instanceof RetryableAnswer answer && answer.reply.isThrottled()) || ex instanceof RequestNotPermitted
				|| ex instanceof FailedAttempt || ex instanceof RepeatAnswer;
	}

	/** Whether a timeout, of the JDK HttpClient or a socket, is anywhere in the chain. */
	static boolean isTimeout(Throwable ex) {
		return Causes.any(ex, HttpTimeoutException.class, SocketTimeoutException.class, TimeoutException.class);
	}

	/**
	 * One attempt's failure: its kind, the reason for log lines, and the exception worth
	 * keeping as cause.
	 */
	record Failure(FailureKind kind, String reason, Throwable cause) {
	}

	/** A 429 or 5xx answer, thrown inside the circuit breaker so it can count it. */
	static final class RetryableAnswer extends RuntimeException {

		final transient OktaReply reply;

		RetryableAnswer(OktaReply reply) {
			super(reply.describe(), null, false, false);
			this.reply = reply;
		}

	}

	/**
	 * An answer that asks for the call to be repeated with a renewed credential; not
	 * counted by the circuit.
	 */
	static final class RepeatAnswer extends RuntimeException {

		RepeatAnswer(String reason) {
			super(reason, null, false, false);
		}

	}

}
