/**
 * Did healing work? After a {@code DELETED} result the follow-up watches the healed
 * user's System Log events (hook and poller, on {@code okta.events}) for a new active SMS
 * factor ({@code user.mfa.factor.activate}) or for the stuck-factor failure again, and
 * ends each follow-up as one record on {@code okta.remediation.followups}:
 * {@code REENROLLED}, {@code FAILED_AGAIN} or {@code NO_ACTIVITY} after
 * {@code healer.followup.window}.
 * <p>
 * <b>State.</b> Open follow-ups are records of the compacted topic
 * {@code okta.remediation.followup.state}, keyed by user, with as many partitions as
 * {@code okta.events} (checked at start). One consumer group reads {@code okta.events}
 * and the state topic with the range assignor, so the replica that owns partition p of
 * the events owns partition p of the state, i.e. those users' follow-ups; it reads that
 * state partition from the start when it is assigned, before processing events. A second
 * group turns {@code DELETED} results ({@code okta.remediation.results} has fewer
 * partitions, so it can't be co-partitioned) into open-follow-up records on the state
 * topic.
 * <p>
 * <b>Brake.</b> Every replica reads the recent follow-ups, publishes the re-enrollment
 * and repeat-failure rates, and engages
 * {@link dev.factorhealer.remediation.RemediationBrake} when too many healed users fail
 * again. Nothing depends on this module.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Follow-up of healed users",
		allowedDependencies = { "events", "detection", "remediation", "system" })
package dev.factorhealer.followup;
