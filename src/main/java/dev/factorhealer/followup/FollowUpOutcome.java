package dev.factorhealer.followup;

/**
 * How the follow-up of one healed user ended; the {@code outcome} of a follow-up record.
 */
public enum FollowUpOutcome {

	/** The user activated a new SMS factor: healing worked. */
	REENROLLED,

	/**
	 * The user hit the stuck-factor failure again after the DELETE: healing did not help.
	 */
	FAILED_AGAIN,

	/** Neither within {@code healer.followup.window}. */
	NO_ACTIVITY

}
