package dev.factorhealer.okta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;

/**
 * The call budget of one Okta bucket: a resilience4j RateLimiter that holds in every
 * 60-second window, whichever way it is aligned, and this replica's share of it.
 *
 * <h2>The budget holds in every 60-second window</h2> Okta's per-minute window is not
 * aligned with ours, so a limiter that grants the whole budget {@code B} once a minute
 * can let nearly {@code 2B} calls through in one of Okta's windows. The RateLimiter
 * therefore grants {@code limitForPeriod = 1} permit per refresh period
 * {@code p = 60 s / (B - 1)} (rounded up to the nanosecond). Proof: a 60-second window,
 * wherever it starts, overlaps at most {@code ceil(60 s / p) + 1} refresh cycles; each
 * cycle grants one permit, so with {@code p >= 60 s / (B - 1)} no window holds more than
 * {@code (B - 1) + 1 = B} calls. The price is one call per minute: throughput is
 * {@code (B - 1) / B} of the budget, at least 95 % for {@code B >= 20}. A call waits at
 * most {@code permit-timeout}, and never past its deadline, for a permit
 * ({@code RequestNotPermitted} when none comes in time: retried). A status read and its
 * DELETE take two consecutive permits at once ({@link BudgetPermits}) and go out at the
 * start of the second period; each period is padded so that this, too, keeps every window
 * within B. Only resilience4j's public API is used: a permit is reserved with
 * {@link RateLimiter#reservePermission()}.
 */
final class CallBudget {

	/**
	 * How far into its period the first call of a pair may start; later, the pair's
	 * permit is forfeited.
	 */
	static final Duration PAIR_START_SLACK = Duration.ofMillis(12);

	private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final String name;

	private final int budget;

	private final Duration permitTimeout;

	private final Clock clock;

	private final RateLimiterRegistry registry;

	/** Replaced when this replica's share of the budget changes (see {@link #share}). */
	private final AtomicReference<RateLimiter> limiter = new AtomicReference<>();

	private volatile long periodNanos;

	/**
	 * @param name the bucket's name: the RateLimiter and its metrics carry it
	 * @param requestsPerMinute this bucket's budget
	 */
	CallBudget(String name, int requestsPerMinute, Duration permitTimeout, RateLimiterRegistry registry, Clock clock) {
		this.name = name;
		this.budget = requestsPerMinute;
		this.permitTimeout = permitTimeout;
		this.registry = registry;
		this.clock = clock;
		this.limiter.set(registry.rateLimiter(name, limiterConfig(requestsPerMinute)));
		this.periodNanos = refreshPeriod(requestsPerMinute).toNanos();
	}

	/**
	 * {@code 60 s / (requestsPerMinute - 1)}, rounded up so that no 60-second window can
	 * hold more than {@code requestsPerMinute} permits (see the class documentation),
	 * plus a padding that leaves room for the first call of a {@link BudgetPermits pair}.
	 */
	static Duration refreshPeriod(int requestsPerMinute) {
		if (requestsPerMinute < 2) {
			throw new IllegalArgumentException("requestsPerMinute must be at least 2: " + requestsPerMinute);
		}
		long slices = requestsPerMinute - 1L;
		// padding: the first call of a pair goes out up to PAIR_START_SLACK into the
		// period after its
		// permit's; the (B - 1) periods a 60-second window spans add up to twice that
		// slack more
		long padding = (2 * PAIR_START_SLACK.toNanos() + slices - 1) / slices;
		return Duration.ofNanos((MINUTE_NANOS + slices - 1) / slices + padding);
	}

	/**
	 * This replica's share of the bucket's budget: {@code floor(budget * owned / total)}
	 * calls a minute, for the replica that owns {@code owned} of the {@code total}
	 * partitions its work comes from. Shares of replicas that own disjoint partitions add
	 * up to at most the budget. The new limiter grants its first permit only after one of
	 * its periods, so a change never lets a burst through; a share under 2 calls a minute
	 * makes no calls at all (no partition should get less: the settings are checked at
	 * start-up).
	 * @return the calls a minute this replica now makes
	 */
	int share(int owned, int total) {
		int share = (total <= 0) ? this.budget : (int) ((long) this.budget * Math.max(0, owned) / total);
		RateLimiter next = RateLimiter.of(this.name, limiterConfig(Math.max(2, share)));
		next.drainPermissions();
		if (share < 2) {
			// nothing to do for this replica: hold every permit back
			next = RateLimiter.of(this.name,
					RateLimiterConfig.from(next.getRateLimiterConfig()).limitRefreshPeriod(Duration.ofDays(1)).build());
			next.drainPermissions();
		}
		this.registry.replace(this.name, next);
		this.limiter.set(next);
		this.periodNanos = next.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
		return (share < 2) ? 0 : share;
	}

	/**
	 * Two permits for a status read and the DELETE right after it (see
	 * {@link BudgetPermits}); waits for them on the calling thread.
	 * @throws OktaException.Unavailable when they come only after the deadline
	 */
	BudgetPermits reservePair(Instant deadline) {
		long left = Duration.between(this.clock.instant(), deadline).toNanos();
		long reservedAt = System.nanoTime();
		long nanos = (left > 0) ? this.limiter.get().reservePermission(2) : -1;
		if (nanos < 0 || nanos >= left) {
			throw new OktaException.Unavailable(
					"Okta " + this.name + ": no pair of budget permits before the deadline " + deadline, 0, null, null,
					0, null);
		}
		if (nanos > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(nanos);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new OktaException.Unavailable("interrupted while waiting for budget permits", 0, null, null, 0,
						ex);
			}
		}
		return new BudgetPermits(reservedAt + nanos, this.periodNanos);
	}

	/**
	 * Takes one permit for the call's next attempt and waits for it on the calling
	 * thread. A permit that certainly comes only after the deadline is not reserved at
	 * all: the permits queued ahead ({@code -availablePermissions}, one per period)
	 * already reach past it.
	 * @throws FailedAttempt {@link FailureKind#DEADLINE} when the permit comes only after
	 * the deadline, {@link FailureKind#INTERRUPTED} when the wait is interrupted
	 * @throws RequestNotPermitted when none comes within the permit timeout
	 */
	void acquire(OktaCall call) {
		RateLimiter limiter = this.limiter.get();
		long left = call.timeLeft().toNanos();
		long queued = -limiter.getMetrics().getAvailablePermissions();
		if (left <= 0 || (queued > 0 && queued * this.periodNanos >= left)) {
			throw call.fail(FailureKind.DEADLINE, "no budget permit before the deadline " + call.deadline, null);
		}
		long nanos = limiter.reservePermission();
		if (nanos < 0) {
			throw RequestNotPermitted.createRequestNotPermitted(limiter);
		}
		if (nanos >= call.timeLeft().toNanos() && nanos > 0) {
			throw call.fail(FailureKind.DEADLINE, "no budget permit before the deadline " + call.deadline, null);
		}
		if (nanos > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(nanos);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw call.fail(FailureKind.INTERRUPTED, "interrupted while waiting for a budget permit", ex);
			}
		}
	}

	private RateLimiterConfig limiterConfig(int requestsPerMinute) {
		Duration period = refreshPeriod(requestsPerMinute);
		return RateLimiterConfig.custom()
			.limitForPeriod(1)
			.limitRefreshPeriod(period)
			// a pair of permits may need two periods
			.timeoutDuration(max(this.permitTimeout, period.multipliedBy(2).plusSeconds(1)))
			.writableStackTraceEnabled(false)
			.build();
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
