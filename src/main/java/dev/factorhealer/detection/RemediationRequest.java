package dev.factorhealer.detection;

import java.time.Instant;

/**
 * A request to check one user's factors and unenroll the stuck one; the value of the
 * records on {@code okta.remediation.requests}, keyed by {@code userId}.
 *
 * @param userId the Okta user id
 * @param factorType the factor type the rule is about (e.g. {@code sms})
 * @param sourceEventUuid the System Log event that revealed the problem
 * @param detectedAt when it was detected
 * @param reason the rule that matched and the text it matched
 * @param published when the failing event was published by Okta: a pending factor created
 * after it is a new enrollment, never the stuck one ({@code null} in requests written
 * before this field existed)
 */
public record RemediationRequest(String userId, String factorType, String sourceEventUuid, Instant detectedAt,
		String reason, Instant published) {
}
