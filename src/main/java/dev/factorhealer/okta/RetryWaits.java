package dev.factorhealer.okta;

import java.time.Duration;
import java.time.Instant;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.factorhealer.okta.OktaHttp.OktaRequest;

/**
 * How long Retry waits before the next attempt of a call: until the throttle gate opens
 * after a 429; no wait for a repeat the credential asked for or a DELETE's status to
 * confirm again; otherwise resilience4j's exponential random backoff. No wait extends
 * past the call's deadline: when the next attempt could only start at or after it, the
 * call is given up (the next attempt ends it with the reason) instead.
 *
 * <p>
 * The backoff doubles from {@code initial-backoff} up to {@code max-backoff} with equal
 * jitter: for the exponential value {@code b} of an attempt, a wait between {@code b / 2}
 * and {@code b} (resilience4j's randomization of {@code 3/4 b} by a third), never shorter
 * than {@code initial-backoff} nor longer than {@code max-backoff}.
 */
final class RetryWaits implements IntervalBiFunction<OktaReply> {

	private static final Logger log = LoggerFactory.getLogger(RetryWaits.class);

	private final ThrottleGate gate;

	private final IntervalFunction backoff;

	private final long initialBackoffMillis;

	RetryWaits(ThrottleGate gate, Duration initialBackoff, Duration maxBackoff) {
		this.gate = gate;
		this.initialBackoffMillis = Math.max(1, initialBackoff.toMillis());
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(Math.max(1, this.initialBackoffMillis * 3 / 4), 2.0,
				1.0 / 3, Math.max(this.initialBackoffMillis, maxBackoff.toMillis()));
	}

	/**
	 * The backoff before attempt {@code attempt + 1} after a 5xx, a timeout or a
	 * connection error.
	 */
	Duration backoff(int attempt) {
		return Duration.ofMillis(Math.max(this.initialBackoffMillis, this.backoff.apply(attempt)));
	}

	@Override
	public Long apply(Integer attempt, Either<Throwable, OktaReply> outcome) {
		if (outcome.isRight() || !(outcome.getLeft() instanceof FailedAttempt failure)) {
			return backoff(attempt).toMillis();
		}
		OktaCall call = failure.call;
		OktaRequest request = call.request;
		if (failure.kind == FailureKind.STALE) {
			return 0L;
		}
		if (failure.kind == FailureKind.REPEAT) {
			log.info("Okta {} {}: attempt {}: {}; repeating", request.operation(), request.subject(), attempt,
					failure.reason);
			return 0L;
		}
		Duration wait;
		String until;
		if (failure.kind == FailureKind.THROTTLED) {
			Instant opens = this.gate.opensAt();
			if (opens.isAfter(call.deadline)) {
				call.giveUp = failure.reason + "; the rate limit resets at " + opens + ", after the deadline "
						+ call.deadline;
				return 0L;
			}
			wait = this.gate.closedFor();
			until = " (rate-limit reset)";
		}
		else {
			wait = backoff(attempt);
			until = "";
		}
		if (wait.compareTo(call.timeLeft()) >= 0) {
			call.giveUp = failure.reason + "; no time left before the deadline " + call.deadline
					+ " for another attempt";
			return 0L;
		}
		log.info("Okta {} {}: attempt {} failed: {}; retrying in {} ms{}", request.operation(), request.subject(),
				attempt, failure.reason, wait.toMillis(), until);
		return wait.toMillis();
	}

}
