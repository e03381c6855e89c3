package dev.factorhealer.replay;

import java.time.Instant;
import java.util.Set;

import dev.factorhealer.system.TopicNames;

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
 * @param reset replay again records dead-lettered at or after this instant even if they
 * were replayed before (starts over from that time)
 * @param confirm required to release records from {@code okta.remediation.parked} (after
 * review)
 */
public record ReplayRequest(String topic, Instant since, Instant until, String userId, String exception, Integer max,
		Boolean dryRun, Instant reset, Boolean confirm) {

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
	 * @param topics the stuck topics that may be read and the parked topic (released only
	 * with {@code confirm})
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public ReplayRequest validated(TopicNames topics) {
		Set<String> stuck = Set.of(topics.eventsStuck(), topics.requestsStuck());
		String parked = topics.parked();
		if (this.topic == null || this.topic.isBlank()) {
			throw new IllegalArgumentException("'topic' is required: one of " + stuck);
		}
		if (parked.equals(this.topic)) {
			if (!isConfirmed() && !isDryRun()) {
				throw new IllegalArgumentException("records of " + parked + " were replayed too often: review them "
						+ "(stuck list --topic " + parked + ") and release them with confirm (--confirm)");
			}
		}
		else if (!stuck.contains(this.topic)) {
			throw new IllegalArgumentException(
					"'topic' must be a stuck-event topic: one of " + stuck + " or " + parked);
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
