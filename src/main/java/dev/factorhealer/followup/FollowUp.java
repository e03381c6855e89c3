package dev.factorhealer.followup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The end of one follow-up, on {@code okta.remediation.followups} keyed by
 * {@code userId}. Written at least once: a crash between this record and the state update
 * writes it again with the same {@code id}, so readers count ids, not records.
 *
 * @param id the follow-up's id: {@code userId/healedAt}
 * @param outcome how it ended
 * @param userId the Okta user
 * @param factorIds the stuck factors that were deleted
 * @param sourceEventUuid the failing event that started the heal
 * @param failedAt when that failure was published (the result's {@code published}, else
 * its {@code detectedAt} for older results)
 * @param healedAt when the DELETE was done (the result's {@code finishedAt})
 * @param endedAt when the new factor was activated or the failure came back (the event's
 * {@code published}), or the end of the window for {@code NO_ACTIVITY}
 * @param endEventUuid the event that ended it ({@code null} for {@code NO_ACTIVITY})
 * @param timeToHealSeconds failure to DELETE
 * @param timeToWorkingSmsSeconds failure to the new active SMS factor ({@code REENROLLED}
 * only)
 */
public record FollowUp(String id, FollowUpOutcome outcome, String userId, List<String> factorIds,
		String sourceEventUuid, Instant failedAt, Instant healedAt, Instant endedAt, String endEventUuid,
		double timeToHealSeconds, Double timeToWorkingSmsSeconds) {

	static FollowUp ended(FollowUpState open, FollowUpOutcome outcome, Instant endedAt, String endEventUuid) {
		Double toWorkingSms = outcome == FollowUpOutcome.REENROLLED ? seconds(open.failedAt(), endedAt) : null;
		return new FollowUp(open.id(), outcome, open.userId(), open.factorIds(), open.sourceEventUuid(),
				open.failedAt(), open.healedAt(), endedAt, endEventUuid, seconds(open.failedAt(), open.healedAt()),
				toWorkingSms);
	}

	static double seconds(Instant from, Instant to) {
		return Duration.between(from, to).toMillis() / 1000.0;
	}

}
