package dev.factorhealer.detection;

/**
 * Why an event showing the stuck-factor pattern asked for no remediation: the
 * {@code reason} tag of {@code healer_detection_ignored_total}.
 */
enum IgnoredReason {

	/** The event's type is none of the rule's {@code event-types}. */
	EVENT_TYPE("event_type"),

	/**
	 * The event's {@code outcome.result} is none of the rule's {@code outcome-results}.
	 */
	OUTCOME("outcome");

	private final String tag;

	IgnoredReason(String tag) {
		this.tag = tag;
	}

	String tag() {
		return this.tag;
	}

}
