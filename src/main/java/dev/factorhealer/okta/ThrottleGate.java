package dev.factorhealer.okta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed after a 429, or after an answer saying the bucket is (nearly) empty: no call of the
 * bucket, from any thread, starts before it opens again at the instant Okta's
 * {@code X-Rate-Limit-Reset} names. Callers wait on their own thread, never past their deadline.
 * Closing only ever moves the opening later, so concurrent answers cannot reopen it early.
 */
final class ThrottleGate {

	private final Clock clock;

	private final AtomicReference<Instant> opensAt = new AtomicReference<>(Instant.MIN);

	ThrottleGate(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Keeps the gate closed until at least {@code until}.
	 * @return {@code true} when this moved the opening later (worth a log line)
	 */
	boolean closeUntil(Instant until) {
		Instant before = this.opensAt.getAndAccumulate(until, (current, next) -> next.isAfter(current) ? next : current);
		return until.isAfter(before);
	}

	Instant opensAt() {
		return this.opensAt.get();
	}

	/** Time until the gate opens, zero when open. */
	Duration closedFor() {
		Instant now = this.clock.instant();
		Instant opens = this.opensAt.get();
		return opens.isAfter(now) ? Duration.between(now, opens) : Duration.ZERO;
	}

	/**
	 * Waits on the calling thread until the gate is open.
	 * @return {@code true} once it is open; {@code false}, at once, when it opens only after
	 * {@code deadline}
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	boolean awaitOpen(Instant deadline) throws InterruptedException {
		while (true) {
			Instant now = this.clock.instant();
			Instant opens = this.opensAt.get();
			if (!opens.isAfter(now)) {
				return true;
			}
			if (opens.isAfter(deadline)) {
				return false;
			}
			TimeUnit.NANOSECONDS.sleep(Math.max(1_000_000L, Duration.between(now, opens).toNanos()));
		}
	}

}
