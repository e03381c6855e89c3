package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.factorhealer.detection.RemediationRequest;
import dev.factorhealer.okta.OktaException;

/**
 * Builds the result records of one request: the request's ids and times, the Okta calls
 * it made so far and the mode it ran in, so that every outcome the {@link Remediator}
 * decides is recorded the same way.
 */
final class ResultBuilder {

	final RemediationRequest request;

	final RemediationMode mode;

	final Clock clock;

	final Instant started;

	int attempts;

	ResultBuilder(RemediationRequest request, RemediationMode mode, Clock clock) {
		this.request = request;
		this.mode = mode;
		this.clock = clock;
		this.started = clock.instant();
	}

	RemediationResult of(RemediationOutcome outcome, List<String> factorIds, String detail) {
		return result(outcome, factorIds, detail, null);
	}

	RemediationResult failed(FailureReason reason, String detail) {
		return failed(reason, List.of(), detail);
	}

	RemediationResult failed(FailureReason reason, List<String> factorIds, String detail) {
		return result(RemediationOutcome.FAILED, factorIds, detail, reason);
	}

	private RemediationResult result(RemediationOutcome outcome, List<String> factorIds, String detail,
			FailureReason reason) {
		return new RemediationResult(outcome, this.request.userId(), this.request.factorType(), List.copyOf(factorIds),
				this.attempts, this.mode, this.request.sourceEventUuid(), this.request.detectedAt(), this.started,
				this.clock.instant(), detail, this.request.published(), reason);
	}

	RemediationResult oktaFailed(String what, OktaException ex, List<String> factorIds) {
		String detail = what + ": " + ex.getMessage() + (ex.status() > 0 ? " (HTTP " + ex.status() + ")" : "")
				+ (ex.errorCode() != null ? " " + ex.errorCode() : "")
				+ (ex.errorId() != null ? " errorId " + ex.errorId() : "");
		return failed(FailureReason.OKTA_ERROR, factorIds, detail);
	}

}
