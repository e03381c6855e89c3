package dev.factorhealer.replay;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a replay does with one stuck record it selected. The report prints the lower-case
 * word ({@code "action":"replay"}), which operators' scripts read.
 */
public enum ReplayAction {

	/** Back to its original topic, its replay count one higher. */
	REPLAY("replay", ReplayResult.REPLAYED),

	/** To the parked topic: replayed too often (loop guard); its replay count kept. */
	PARK("park", ReplayResult.PARKED),

	/**
	 * From the parked topic back to its original topic after review; its loop guard
	 * starts over.
	 */
	RELEASE("release", ReplayResult.REPLAYED);

	private final String text;

	private final ReplayResult result;

	ReplayAction(String text, ReplayResult result) {
		this.text = text;
		this.result = result;
	}

	@JsonValue
	public String text() {
		return this.text;
	}

	/** How the action is counted in {@code healer_replay_records_total}. */
	public ReplayResult result() {
		return this.result;
	}

	/**
	 * The replay count the moved record carries, given the one it had on the stuck topic.
	 */
	int countAfter(int replayCount) {
		return switch (this) {
			case REPLAY -> replayCount + 1;
			case PARK -> replayCount;
			case RELEASE -> 0;
		};
	}

	@Override
	public String toString() {
		return this.text;
	}

}
