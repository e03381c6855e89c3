package dev.factorhealer.followup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What the {@code report} command prints: the follow-ups of the users healed (DELETE)
 * between {@code since} and {@code until}, by outcome, with median and 90th percentile
 * times (nearest rank, in seconds; {@code null} when there is nothing to measure).
 *
 * @param since start of the period (DELETE time)
 * @param until end of the period (when the report was made)
 * @param healed follow-ups started in the period (one per DELETE)
 * @param reenrolled of those, ended {@code REENROLLED}
 * @param failedAgain of those, ended {@code FAILED_AGAIN}
 * @param noActivity of those, ended {@code NO_ACTIVITY}
 * @param open of those, still without an outcome
 * @param timeToHealSeconds first failure to DELETE, over all healed
 * @param timeToWorkingSmsSeconds first failure to the new active SMS factor, over the
 * re-enrolled
 */
record FollowUpReport(Instant since, Instant until, int healed, int reenrolled, int failedAgain, int noActivity,
		int open, Percentiles timeToHealSeconds, Percentiles timeToWorkingSmsSeconds) {

	/** Median and 90th percentile (nearest rank). */
	record Percentiles(Double median, Double p90) {

		static Percentiles of(Collection<Double> values) {
			List<Double> sorted = new ArrayList<>(values);
			sorted.sort(null);
			return new Percentiles(rank(sorted, 0.5), rank(sorted, 0.9));
		}

		private static Double rank(List<Double> sorted, double p) {
			if (sorted.isEmpty()) {
				return null;
			}
			int index = (int) Math.ceil(p * sorted.size()) - 1;
			return sorted.get(Math.max(0, index));
		}

	}

	static FollowUpReport of(Instant since, Instant until, Collection<FollowUp> ended,
			Collection<FollowUpState> stillOpen) {
		List<FollowUp> endedInPeriod = ended.stream().filter(f -> within(f.healedAt(), since, until)).toList();
		List<FollowUpState> openInPeriod = stillOpen.stream().filter(s -> within(s.healedAt(), since, until)).toList();
		List<Double> toHeal = new ArrayList<>();
		endedInPeriod.forEach(f -> toHeal.add(f.timeToHealSeconds()));
		openInPeriod.forEach(s -> toHeal.add(FollowUp.seconds(s.failedAt(), s.healedAt())));
		List<Double> toSms = endedInPeriod.stream()
			.filter(f -> f.outcome() == FollowUpOutcome.REENROLLED && f.timeToWorkingSmsSeconds() != null)
			.map(FollowUp::timeToWorkingSmsSeconds)
			.toList();
		return new FollowUpReport(since, until, endedInPeriod.size() + openInPeriod.size(),
				count(endedInPeriod, FollowUpOutcome.REENROLLED), count(endedInPeriod, FollowUpOutcome.FAILED_AGAIN),
				count(endedInPeriod, FollowUpOutcome.NO_ACTIVITY), openInPeriod.size(), Percentiles.of(toHeal),
				Percentiles.of(toSms));
	}

	/** The table for a terminal. */
	String table() {
		StringBuilder out = new StringBuilder();
		out.append("Users healed (unenrolled) from ").append(this.since).append(" to ").append(this.until).append('\n');
		row(out, "healed", this.healed, null);
		row(out, "re-enrolled SMS", this.reenrolled, share(this.reenrolled));
		row(out, "failed again", this.failedAgain, share(this.failedAgain));
		row(out, "no activity", this.noActivity, share(this.noActivity));
		row(out, "still open", this.open, share(this.open));
		out.append(String.format(Locale.ROOT, "%-22s median %-12s p90 %s%n", "time to heal",
				human(this.timeToHealSeconds.median()), human(this.timeToHealSeconds.p90())));
		out.append(String.format(Locale.ROOT, "%-22s median %-12s p90 %s%n", "time to working SMS",
				human(this.timeToWorkingSmsSeconds.median()), human(this.timeToWorkingSmsSeconds.p90())));
		return out.toString();
	}

	private String share(int count) {
		return this.healed == 0 ? null : String.format(Locale.ROOT, "%.0f%%", 100.0 * count / this.healed);
	}

	private static void row(StringBuilder out, String name, int count, String share) {
		out.append(String.format(Locale.ROOT, "%-22s %6d%s%n", name, count, share == null ? "" : "  " + share));
	}

	static String human(Double seconds) {
		if (seconds == null) {
			return "-";
		}
		Duration d = Duration.ofMillis(Math.round(seconds * 1000));
		if (d.toDays() > 0) {
			return d.toDays() + "d " + d.toHoursPart() + "h";
		}
		if (d.toHours() > 0) {
			return d.toHours() + "h " + d.toMinutesPart() + "m";
		}
		if (d.toMinutes() > 0) {
			return d.toMinutes() + "m " + d.toSecondsPart() + "s";
		}
		return String.format(Locale.ROOT, "%.1fs", seconds);
	}

	private static int count(List<FollowUp> followUps, FollowUpOutcome outcome) {
		return (int) followUps.stream().filter(f -> f.outcome() == outcome).count();
	}

	private static boolean within(Instant at, Instant since, Instant until) {
		return at != null && !at.isBefore(since) && !at.isAfter(until);
	}

}
