package dev.factorhealer.fakeokta;

import java.time.Duration;
import java.time.Instant;

/**
 * One bucket's fixed window, started by the first request after the previous window ended
 * (not aligned to the clock). Not thread-safe: guarded by the owning
 * {@link FakeOktaOrg}'s lock.
 */
final class RateLimitWindow {

	/** What the rate-limit headers of one answer say. */
	record Snapshot(boolean allowed, boolean forced, int limit, int remaining, long resetEpochSeconds) {
	}

	private int limit;

	private Duration length;

	private Instant start;

	private int used;

	private Instant forcedUntil;

	RateLimitWindow(int limit, Duration length) {
		configure(limit, length);
	}

	void configure(int newLimit, Duration newLength) {
		if (newLimit < 1) {
			throw new IllegalArgumentException("limit must be >= 1");
		}
		if (newLength == null || newLength.isNegative() || newLength.isZero()) {
			throw new IllegalArgumentException("window must be positive");
		}
		this.limit = newLimit;
		this.length = newLength;
		reset();
	}

	void reset() {
		start = null;
		used = 0;
		forcedUntil = null;
	}

	void forceThrottleUntil(Instant until) {
		forcedUntil = until;
	}

	void clearForcedThrottle() {
		forcedUntil = null;
	}

	/** Consumes one unit if possible. */
	Snapshot acquire(Instant now) {
		if (forcedUntil != null) {
			if (now.isBefore(forcedUntil)) {
				return new Snapshot(false, true, limit, 0, ceilEpochSeconds(forcedUntil));
			}
			forcedUntil = null;
		}
		if (!windowOpen(now)) {
			start = now;
			used = 0;
		}
		long reset = ceilEpochSeconds(start.plus(length));
		if (used < limit) {
			used++;
			return new Snapshot(true, false, limit, limit - used, reset);
		}
		return new Snapshot(false, false, limit, 0, reset);
	}

	/** The headers for an answer that does not consume (e.g. a 401). */
	Snapshot peek(Instant now) {
		if (forcedUntil != null && now.isBefore(forcedUntil)) {
			return new Snapshot(false, true, limit, 0, ceilEpochSeconds(forcedUntil));
		}
		if (windowOpen(now)) {
			return new Snapshot(used < limit, false, limit, limit - used, ceilEpochSeconds(start.plus(length)));
		}
		return new Snapshot(true, false, limit, limit, ceilEpochSeconds(now.plus(length)));
	}

	private boolean windowOpen(Instant now) {
		return start != null && now.isBefore(start.plus(length));
	}

	/**
	 * Epoch seconds rounded up, so a client that waits until the advertised second is
	 * never early.
	 */
	static long ceilEpochSeconds(Instant instant) {
		return instant.getNano() == 0 ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
	}

}
