package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.factorhealer.detection.RemediationRequest;
import dev.factorhealer.okta.OktaAnswer;
import dev.factorhealer.okta.OktaException;
import dev.factorhealer.okta.OktaFactors;
import dev.factorhealer.okta.Unenrollment;
import dev.factorhealer.okta.UserFactor;

/**
 * Decides and does one remediation: list the user's factors, pick those of the requested type
 * (if allowed) in {@code PENDING_ACTIVATION}, and in {@code live} mode unenroll each right away,
 * so the status that allowed the DELETE is seconds old. Never resets all factors, never touches a
 * factor in any other status.
 */
class Remediator {

	private static final Logger log = LoggerFactory.getLogger(Remediator.class);

	private final OktaFactors okta;

	private final RemediationProperties properties;

	private final DeletionCap cap;

	private final Clock clock;

	private final RemediationBrake brake;

	/** When this worker thread may make its next Okta call (the pause after a DELETE). */
	private final ThreadLocal<Instant> nextCall = ThreadLocal.withInitial(() -> Instant.MIN);

	Remediator(OktaFactors okta, RemediationProperties properties, DeletionCap cap, Clock clock,
			RemediationBrake brake) {
		this.okta = okta;
		this.properties = properties;
		this.cap = cap;
		this.clock = clock;
		this.brake = brake;
	}

	RemediationResult remediate(RemediationRequest request) {
		Instant started = this.clock.instant();
		Instant deadline = started.plus(this.properties.requestTimeout());
		Attempts attempts = new Attempts();
		String type = request.factorType();
		if (!this.properties.factorTypes().contains(type)) {
			return result(request, RemediationOutcome.FAILED, List.of(), attempts, started,
					"factor type '" + type + "' is not in healer.remediation.factor-types " + this.properties.factorTypes());
		}
		List<UserFactor> factors;
		try {
			pauseIfNeeded();
			OktaAnswer<List<UserFactor>> listed = this.okta.listFactors(request.userId(), deadline);
			attempts.add(listed.attempts());
			factors = listed.value();
		}
		catch (OktaException.UserNotFound ex) {
			attempts.add(ex.attempts());
			return result(request, RemediationOutcome.USER_NOT_FOUND, List.of(), attempts, started,
					"Okta does not know the user (" + ex.errorCode() + ")");
		}
		catch (OktaException ex) {
			attempts.add(ex.attempts());
			return failed(request, "listing factors failed", ex, List.of(), attempts, started);
		}
		List<String> pending = factors.stream()
			.filter(f -> type.equals(f.factorType()) && f.isPendingActivation())
			.map(UserFactor::id)
			.toList();
		if (pending.isEmpty()) {
			return result(request, RemediationOutcome.NOT_PENDING, List.of(), attempts, started,
					"no " + type + " factor in PENDING_ACTIVATION (" + describe(factors, type) + ")");
		}
		if (this.properties.mode() == RemediationMode.DRY_RUN) {
			return result(request, RemediationOutcome.DRY_RUN, pending, attempts, started,
					"dry-run: would unenroll " + pending);
		}
		return unenroll(request, pending, attempts, started, deadline);
	}

	private RemediationResult unenroll(RemediationRequest request, List<String> pending, Attempts attempts,
			Instant started, Instant deadline) {
		if (this.brake.isEngaged()) {
			return result(request, RemediationOutcome.FAILED, List.of(), attempts, started, this.brake.refusal());
		}
		List<String> deleted = new ArrayList<>();
		List<String> alreadyRemoved = new ArrayList<>();
		for (String factorId : pending) {
			if (!this.cap.tryTake()) {
				return result(request, RemediationOutcome.FAILED, deleted, attempts, started,
						"deletion cap reached: " + this.cap.max()
								+ " deletions in the last hour (healer.remediation.max-deletions-per-hour)");
			}
			try {
				pauseIfNeeded();
				OktaAnswer<Unenrollment> answer = this.okta.deleteFactor(request.userId(), factorId, deadline);
				attempts.add(answer.attempts());
				if (answer.value() == Unenrollment.DELETED) {
					deleted.add(factorId);
				}
				else {
					this.cap.giveBack();
					alreadyRemoved.add(factorId);
				}
				this.nextCall.set(this.clock.instant().plus(this.properties.pauseAfterDelete()));
			}
			catch (OktaException ex) {
				this.cap.giveBack();
				attempts.add(ex.attempts());
				return failed(request, "unenrolling factor " + factorId + " failed", ex, deleted, attempts, started);
			}
		}
		if (deleted.isEmpty()) {
			return result(request, RemediationOutcome.ALREADY_REMOVED, alreadyRemoved, attempts, started,
					"the pending factor was already gone (404 on DELETE)");
		}
		List<String> all = new ArrayList<>(deleted);
		all.addAll(alreadyRemoved);
		return result(request, RemediationOutcome.DELETED, all, attempts, started, "unenrolled " + deleted);
	}

	private void pauseIfNeeded() {
		Duration wait = Duration.between(this.clock.instant(), this.nextCall.get());
		if (!wait.isNegative() && !wait.isZero()) {
			try {
				Thread.sleep(wait.toMillis() + 1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted during the pause after a DELETE", ex);
			}
		}
	}

	private RemediationResult failed(RemediationRequest request, String what, OktaException ex, List<String> factorIds,
			Attempts attempts, Instant started) {
		String detail = what + ": " + ex.getMessage() + (ex.status() > 0 ? " (HTTP " + ex.status() + ")" : "")
				+ (ex.errorCode() != null ? " " + ex.errorCode() : "") + (ex.errorId() != null ? " errorId " + ex.errorId() : "");
		return result(request, RemediationOutcome.FAILED, factorIds, attempts, started, detail);
	}

	private RemediationResult result(RemediationRequest request, RemediationOutcome outcome, List<String> factorIds,
			Attempts attempts, Instant started, String detail) {
		return new RemediationResult(outcome, request.userId(), request.factorType(), List.copyOf(factorIds),
				attempts.count, this.properties.mode().label(), request.sourceEventUuid(), request.detectedAt(), started,
				this.clock.instant(), detail, request.published());
	}

	private static String describe(List<UserFactor> factors, String type) {
		List<String> ofType = factors.stream()
			.filter(f -> type.equals(f.factorType()))
			.map(f -> f.id() + " " + f.status())
			.toList();
		return ofType.isEmpty() ? "none of that type" : String.join(", ", ofType);
	}

	private static final class Attempts {

		private int count;

		void add(int attempts) {
			this.count += attempts;
		}

	}

}
