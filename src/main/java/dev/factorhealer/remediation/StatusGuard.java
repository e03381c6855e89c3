package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.factorhealer.detection.RemediationRequest;
import dev.factorhealer.okta.BudgetPermits;
import dev.factorhealer.okta.DeleteGuard;
import dev.factorhealer.okta.OktaAnswer;
import dev.factorhealer.okta.OktaFactors;
import dev.factorhealer.okta.UserFactor;

/**
 * The safety rule of every DELETE attempt: it goes out only on a status read at most
 * {@code max-status-age} old that shows the factor still of the allowed type, in
 * {@code PENDING_ACTIVATION}, and created before the failure. The first attempt normally
 * uses the listing (its DELETE permit was reserved with the listing's); any later attempt
 * (after a 5xx, a timeout, a rate-limit wait) or a first attempt that had to wait reads
 * that one factor again, with a fresh pair of permits for the read and the DELETE. A read
 * that shows anything else stops the DELETE with {@link Changed}.
 */
final class StatusGuard implements DeleteGuard {

	private final OktaFactors okta;

	private final RemediationRequest request;

	private final UserFactor listed;

	private final Instant failureTime;

	private final Duration maxStatusAge;

	private final Instant deadline;

	private final Clock clock;

	private Instant readAt;

	private BudgetPermits permits;

	private int reads;

	private int unanswered;

	StatusGuard(OktaFactors okta, RemediationRequest request, UserFactor listed, Instant failureTime,
			Duration maxStatusAge, Instant deadline, Clock clock, Instant readAt, BudgetPermits permits) {
		this.okta = okta;
		this.request = request;
		this.listed = listed;
		this.failureTime = failureTime;
		this.maxStatusAge = maxStatusAge;
		this.deadline = deadline;
		this.clock = clock;
		this.readAt = readAt;
		this.permits = permits;
	}

	@Override
	public Check confirm(int attempt, int unanswered) {
		this.unanswered = unanswered;
		if (attempt == 1 && this.clock.instant().isBefore(freshUntil())) {
			return new Check(freshUntil(), this.permits);
		}
		this.permits = this.okta.reservePair(this.deadline);
		OktaAnswer<Optional<UserFactor>> read = this.okta.getFactor(this.request.userId(), this.listed.id(),
				this.deadline, this.permits);
		this.readAt = this.clock.instant();
		this.reads += read.attempts();
		if (read.value().isEmpty()) {
			throw new Changed(RemediationOutcome.ALREADY_REMOVED, true,
					"factor " + this.listed.id() + " is gone (404 on a fresh read)");
		}
		UserFactor now = read.value().get();
		if (!this.listed.factorType().equals(now.factorType()) || !now.isPendingActivation()) {
			throw new Changed(RemediationOutcome.NOT_PENDING, false, "factor " + this.listed.id() + " is now "
					+ now.factorType() + " " + now.status() + " (was PENDING_ACTIVATION when listed); not deleted");
		}
		if (now.created() == null || now.created().isAfter(this.failureTime)) {
			throw new Changed(RemediationOutcome.NEWER_THAN_FAILURE, false, "factor " + this.listed.id()
					+ " was created " + now.created() + ", after the failure at " + this.failureTime + "; not deleted");
		}
		return new Check(freshUntil(), this.permits);
	}

	private Instant freshUntil() {
		return (this.readAt == Instant.MIN) ? Instant.MIN : this.readAt.plus(this.maxStatusAge);
	}

	/** HTTP attempts of the fresh reads. */
	int reads() {
		return this.reads;
	}

	/**
	 * DELETE attempts before the last confirmation that got no answer and may have taken
	 * effect.
	 */
	int unanswered() {
		return this.unanswered;
	}

	/**
	 * The fresh read forbids the DELETE; leaves {@link OktaFactors#deleteFactor}
	 * unchanged.
	 */
	static final class Changed extends RuntimeException {

		private final RemediationOutcome outcome;

		private final boolean gone;

		Changed(RemediationOutcome outcome, boolean gone, String message) {
			super(message, null, false, false);
			this.outcome = outcome;
			this.gone = gone;
		}

		RemediationOutcome outcome() {
			return this.outcome;
		}

		boolean gone() {
			return this.gone;
		}

	}

}
