package dev.factorhealer.followup;

import java.time.Instant;
import java.util.List;

import dev.factorhealer.remediation.RemediationResult;

/**
 * The value of a record on the follow-up state topic (compacted, keyed by user): the
 * user's follow-up while it is {@code OPEN}, then a {@code CLOSED} marker with the same
 * id, so a replayed result never opens an ended follow-up again.
 */
record FollowUpState(Status status, String id, String userId, List<String> factorIds, String sourceEventUuid,
		Instant failedAt, Instant healedAt) {

	enum Status {

		OPEN, CLOSED

	}

	static FollowUpState opened(RemediationResult deleted) {
		Instant failedAt = deleted.published() != null ? deleted.published() : deleted.detectedAt();
		if (failedAt == null || failedAt.isAfter(deleted.finishedAt())) {
			failedAt = deleted.finishedAt();
		}
		return new FollowUpState(Status.OPEN, deleted.userId() + "/" + deleted.finishedAt(), deleted.userId(),
				deleted.factorIds(), deleted.sourceEventUuid(), failedAt, deleted.finishedAt());
	}

	FollowUpState closed() {
		return new FollowUpState(Status.CLOSED, this.id, this.userId, this.factorIds, this.sourceEventUuid,
				this.failedAt, this.healedAt);
	}

	boolean isOpen() {
		return this.status == Status.OPEN;
	}

}
