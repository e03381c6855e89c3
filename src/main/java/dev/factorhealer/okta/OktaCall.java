package dev.factorhealer.okta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.factorhealer.okta.OktaAuthorization.Challenge;
import dev.factorhealer.okta.OktaHttp.OktaRequest;

/**
 * The state of one call across its attempts: what Retry's waits, the DELETE guard and the
 * credential's repeats decide on, and what the final exception reports.
 */
final class OktaCall {

	final OktaRequest request;

	final Instant deadline;

	private final Clock clock;

	final AtomicInteger attempts = new AtomicInteger();

	volatile OktaReply lastReply;

	volatile List<String> lastLinks = List.of();

	/**
	 * Set by a retry wait that found no time left: the next attempt ends the call with
	 * it.
	 */
	volatile String giveUp;

	final DeleteGuard guard;

	int confirmations;

	/** DELETE attempts that got a 5xx, a timeout or a connection error. */
	volatile int unanswered;

	BudgetPermits permits;

	Instant freshUntil;

	volatile OktaAuthorization.Credential credential;

	volatile Challenge challenge = Challenge.NONE;

	volatile boolean renewed;

	volatile boolean nonceTaken;

	OktaCall(OktaRequest request, Instant deadline, Clock clock, BudgetPermits permits, DeleteGuard guard) {
		this.request = request;
		this.deadline = deadline;
		this.clock = clock;
		this.permits = permits;
		this.guard = guard;
	}

	Duration timeLeft() {
		Duration left = Duration.between(this.clock.instant(), this.deadline);
		return left.isNegative() ? Duration.ZERO : left;
	}

	FailedAttempt fail(FailureKind kind, String reason, Throwable cause) {
		return new FailedAttempt(this, kind, reason, cause);
	}

	FailedAttempt fail(OktaErrors.Failure failure) {
		return fail(failure.kind(), failure.reason(), failure.cause());
	}

	/**
	 * {@code after N HTTP attempts: reason; last answer ...}, for the exception and the
	 * log line.
	 */
	String outcome(FailedAttempt failure) {
		OktaReply last = this.lastReply;
		int attempts = this.attempts.get();
		StringBuilder text = new StringBuilder("after ").append(attempts)
			.append((attempts == 1) ? " HTTP attempt: " : " HTTP attempts: ")
			.append(failure.reason);
		if (last != null && !failure.reason.contains(last.describe())) {
			text.append("; last answer ").append(last.describe());
		}
		return text.toString();
	}

	OktaException.Unavailable unavailable(FailedAttempt failure) {
		OktaReply last = this.lastReply;
		return new OktaException.Unavailable(
				"Okta " + this.request.operation() + " " + this.request.subject() + " failed " + outcome(failure),
				(last != null) ? last.status() : 0, (last != null) ? last.error().errorCode() : null,
				(last != null) ? last.error().errorId() : null, this.attempts.get(), failure.getCause());
	}

}
