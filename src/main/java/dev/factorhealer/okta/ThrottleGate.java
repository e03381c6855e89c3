package dev.factorhealer.okta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closed after a 429, or after an answer whose {@code X-Rate-Limit-Remaining} is at or
 * below {@code low-remaining-floor}: no call of the bucket, from any thread, starts
 * before it opens again at the reset Okta announced
 * ({@link OktaReply.RateLimit#resumeAt}: relative to the answer's {@code Date}, plus
 * {@value #GATE_MARGIN_MILLIS} ms; a reset more than {@code max-reset-wait} ahead, past,
 * missing or garbled means that maximum, with one WARN line naming the raw value, so the
 * gate always reopens). Callers wait on their own thread, never past their deadline.
 * Closing only ever moves the opening later, so concurrent answers cannot reopen it
 * early. Every answer also feeds Okta's own count to
 * {@code healer_okta_rate_limit_remaining} and {@code _limit}.
 */
final class ThrottleGate {

	private static final Logger log = LoggerFactory.getLogger(ThrottleGate.class);

	static final long GATE_MARGIN_MILLIS = 250;

	static final Duration GATE_MARGIN = Duration.ofMillis(GATE_MARGIN_MILLIS);

	private final String name;

	private final Clock clock;

	private final int lowRemainingFloor;

	private final Duration maxResetWait;

	private final OktaMetrics metrics;

	private final AtomicReference<Instant> opensAt = new AtomicReference<>(Instant.MIN);

	/**
	 * @param name the bucket's name, for log lines
	 * @param lowRemainingFloor an answer with {@code X-Rate-Limit-Remaining} at or below
	 * it closes the gate
	 * @param maxResetWait the longest the gate stays closed after one answer
	 */
	ThrottleGate(String name, Clock clock, int lowRemainingFloor, Duration maxResetWait, OktaMetrics metrics) {
		this.name = name;
		this.clock = clock;
		this.lowRemainingFloor = lowRemainingFloor;
		this.maxResetWait = maxResetWait;
		this.metrics = metrics;
	}

	/**
	 * Reads the rate-limit headers of an answer: meters Okta's count and closes the gate
	 * after a 429 or a (nearly) empty bucket.
	 * @param about the call, for log lines (operation and subject)
	 */
	void observe(OktaReply reply, String about) {
		Integer remaining = reply.rateLimit().remaining();
		if (remaining != null) {
			this.metrics.remaining(remaining);
		}
		if (reply.rateLimit().limit() != null) {
			this.metrics.limit(reply.rateLimit().limit());
		}
		boolean lowRemaining = remaining != null && remaining <= this.lowRemainingFloor;
		if (!reply.isThrottled() && !lowRemaining) {
			return;
		}
		OktaReply.RateLimit rateLimit = reply.rateLimit();
		if (!rateLimit.isTrusted(reply.receivedAt(), this.maxResetWait)) {
			log.warn(
					"Okta rate limit '{}': X-Rate-Limit-Reset '{}' (Date {}) is missing, not a number, in the past or "
							+ "more than {} ahead; waiting {} (healer.okta.max-reset-wait)",
					this.name, rateLimit.rawReset(), rateLimit.date(), this.maxResetWait, this.maxResetWait);
		}
		Instant until = rateLimit.resumeAt(reply.receivedAt(), GATE_MARGIN, this.maxResetWait);
		if (reply.isThrottled()) {
			this.metrics.throttled();
			if (closeUntil(until)) {
				log.warn("Okta rate limit '{}': 429 {} on {}; no call before {}", this.name, reply.error().describe(),
						about, until);
			}
		}
		else if (closeUntil(until)) {
			log.info("Okta rate limit '{}': X-Rate-Limit-Remaining {} (floor {}) after {}; no call before {}",
					this.name, remaining, this.lowRemainingFloor, about, until);
		}
	}

	/**
	 * Keeps the gate closed until at least {@code until}.
	 * @return {@code true} when this moved the opening later (worth a log line)
	 */
	boolean closeUntil(Instant until) {
		Instant before = this.opensAt.getAndAccumulate(until,
				(current, next) -> next.isAfter(current) ? next : current);
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
	 * @return {@code true} once it is open; {@code false}, at once, when it opens only
	 * after {@code deadline}
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
