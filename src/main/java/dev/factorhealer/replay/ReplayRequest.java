package dev.factorhealer.replay;

import java.time.Instant;
import java.util.Set;

/**
 * What to replay. Only {@code topic} is required.
 *
 * @param topic the stuck-event topic to read ({@code okta.events.dlq} or
 * {@code okta.remediation.requests.dlq})
 * @param since only records dead-lettered at or after this instant
 * @param until only records dead-lettered before this instant
 * @param userId only records with this key (the Okta user id)
 * @param exception only records whose exception class or reason contains this text
 * (case-insensitive)
 * @param max at most this many records replayed or parked (default 1000)
 * @param dryRun report what would be replayed, send nothing
 * @param reset replay again records dead-lettered at or after this instant even if they were
 * replayed before (starts over from that time)
 * @param confirm required to release records from {@code okta.remediation.parked} (after review)
 */
public record ReplayRequest(String topic, Instant since, Instant until, String userId, String exception, Integer max,
		Boolean dryRun, Instant reset, Boolean confirm) {

	public static final Set<String> STUCK_TOPICS = Set.of("okta.events.dlq", "okta.remediation.requests.dlq");

	/** Where the loop guard parks records; released to their original topic only with {@code confirm}. */
	public static final String PARKED_TOPIC = "okta.remediation.parked";

	public boolean isConfirmed() {
		return Boolean.TRUE.equals(this.confirm);
	}

	public static final int DEFAULT_MAX = 1000;

	public static final int MAX_MAX = 1_000_000;

	public int maxOrDefault() {
		return this.max == null ? DEFAULT_MAX : this.max;
	}

	public boolean isDryRun() {
		return Boolean.TRUE.equals(this.dryRun);
	}

	/**
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public ReplayRequest validated() {
		if (this.topic == null || this.topic.isBlank()) {
			throw new IllegalArgumentException("'topic' is required: one of " + STUCK_TOPICS);
		}
		if (PARKED_TOPIC.equals(this.topic)) {
			if (!isConfirmed() && !isDryRun()) {
				throw new IllegalArgumentException("records of " + PARKED_TOPIC + " were replayed too often: review them "
						+ "(stuck list --topic " + PARKED_TOPIC + ") and release them with confirm (--confirm)");
			}
		}
		else if (!STUCK_TOPICS.contains(this.topic)) {
			throw new IllegalArgumentException(
					"'topic' must be a stuck-event topic: one of " + STUCK_TOPICS + " or " + PARKED_TOPIC);
		}
		if (this.since != null && this.until != null && !this.since.isBefore(this.until)) {
			throw new IllegalArgumentException("'since' must be before 'until'");
		}
		if (this.max != null && (this.max < 1 || this.max > MAX_MAX)) {
			throw new IllegalArgumentException("'max' must be between 1 and " + MAX_MAX);
		}
		if (this.userId != null && this.userId.isBlank()) {
			throw new IllegalArgumentException("'userId' must not be blank");
		}
		if (this.exception != null && this.exception.isBlank()) {
			throw new IllegalArgumentException("'exception' must not be blank");
		}
		return this;
	}

}
