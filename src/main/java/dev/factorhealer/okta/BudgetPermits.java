package dev.factorhealer.okta;

/**
 * Budget permits taken together for a status read and the DELETE that follows it, so that
 * the DELETE can go out right after the read, at every budget setting, instead of one
 * refresh period later (a minute at the smallest budgets, far older than
 * {@code healer.remediation.max-status-age}).
 *
 * <p>
 * The rate limiter grants one permit per period {@code p}; a pair is the permits of two
 * consecutive periods and both calls go out at the start of the second. So the first call
 * is usable only within {@link CallBudget#PAIR_START_SLACK} of that start and the second
 * only until the period ends: a permit that is not used in time is forfeited, never
 * carried into a later period. With {@code p} padded so that the periods a 60-second
 * window spans add up to more than that slack ({@link CallBudget#refreshPeriod}), no
 * 60-second window holds more than the budget. Not thread-safe: one request uses it.
 */
public final class BudgetPermits {

	private final long firstUsableUntilNanos;

	private final long secondUsableUntilNanos;

	private int used;

	BudgetPermits(long secondPeriodStartNanos, long periodNanos) {
		this.firstUsableUntilNanos = secondPeriodStartNanos + CallBudget.PAIR_START_SLACK.toNanos();
		this.secondUsableUntilNanos = secondPeriodStartNanos + periodNanos - CallBudget.PAIR_START_SLACK.toNanos();
	}

	/**
	 * Takes the next permit of the pair if it is still usable now; {@code false} when
	 * none is left or it expired.
	 */
	boolean take(long nowNanos) {
		if (this.used == 0 && nowNanos - this.firstUsableUntilNanos <= 0) {
			this.used = 1;
			return true;
		}
		if (this.used <= 1 && nowNanos - this.secondUsableUntilNanos <= 0) {
			this.used = 2;
			return true;
		}
		this.used = 2;
		return false;
	}

}
