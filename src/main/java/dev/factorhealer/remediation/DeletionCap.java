package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * At most N deletions in any sliding hour (not per clock hour): a rule gone wrong can delete at
 * most N factors before a human looks.
 */
class DeletionCap {

	private static final Duration HOUR = Duration.ofHours(1);

	private final int max;

	private final Clock clock;

	private final Deque<Instant> deletions = new ArrayDeque<>();

	DeletionCap(int max, Clock clock) {
		this.max = max;
		this.clock = clock;
	}

	/** Takes one deletion from the hour's allowance; {@code false} when none is left. */
	synchronized boolean tryTake() {
		Instant now = this.clock.instant();
		while (!this.deletions.isEmpty() && !this.deletions.peekFirst().isAfter(now.minus(HOUR))) {
			this.deletions.pollFirst();
		}
		if (this.deletions.size() >= this.max) {
			return false;
		}
		this.deletions.addLast(now);
		return true;
	}

	/** Gives back an allowance taken for a DELETE that removed nothing (404) or failed. */
	synchronized void giveBack() {
		this.deletions.pollLast();
	}

	int max() {
		return this.max;
	}

}
