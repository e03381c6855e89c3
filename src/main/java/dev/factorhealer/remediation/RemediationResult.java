package dev.factorhealer.remediation;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The audit record of one remediation request, on {@code okta.remediation.results} keyed
 * by {@code userId}.
 *
 * @param outcome how it ended
 * @param userId the Okta user
 * @param factorType the factor type asked for
 * @param factorIds the factors deleted, found already removed, or (dry-run) that would be
 * deleted
 * @param attempts HTTP calls made to Okta for this request, retries included
 * @param mode {@code live} or {@code dry-run} (its label on the topic)
 * @param sourceEventUuid the System Log event that revealed the problem
 * @param detectedAt when the detector asked
 * @param startedAt when the worker started
 * @param finishedAt when the outcome was decided
 * @param detail why, in words (the failure reason for {@code FAILED})
 * @param published when the failing event was published (from the request; {@code null}
 * when unknown)
 * @param failureReason why a {@code FAILED} request failed; {@code null} (and absent) for
 * every other outcome
 */
public record RemediationResult(RemediationOutcome outcome, String userId, String factorType, List<String> factorIds,
		int attempts, RemediationMode mode, String sourceEventUuid, Instant detectedAt, Instant startedAt,
		Instant finishedAt, String detail, Instant published,
		@JsonInclude(JsonInclude.Include.NON_NULL) FailureReason failureReason) {
}
