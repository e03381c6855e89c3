package dev.factorhealer.replay;

/**
 * The {@code result} tag of {@code healer_replay_records_total}: what the dashboards and
 * the {@code HealerRecordsParked} alert count.
 */
public enum ReplayResult {

	/** Sent back to its original topic (replayed or released). */
	REPLAYED("replayed"),

	/** Sent to the parked topic by the loop guard. */
	PARKED("parked"),

	/** Left alone by the filters (or for want of an original topic). */
	SKIPPED("skipped");

	private final String tag;

	ReplayResult(String tag) {
		this.tag = tag;
	}

	/** The tag value, as the dashboards spell it. */
	public String tag() {
		return this.tag;
	}

}
