/**
 * Catches what the event hook misses: Okta retries a hook delivery once, caps hooks at
 * 400,000 events a day, and cannot send {@code system.sms.send_factor_verify_message} at
 * all. The poller reads the System Log in polling mode
 * ({@code GET /api/v1/logs?since&filter&limit}, then only the {@code next} links Okta
 * gives) through {@link dev.factorhealer.okta.OktaSystemLog}, on the logs bucket's own
 * budget, and publishes every event through the events contract's
 * {@link dev.factorhealer.events.OktaEventPublisher} with {@code source=systemlog}: same
 * topic, same keys, bytes unchanged. Hook and poll overlap on purpose; detection
 * deduplicates by {@code uuid}.
 * <p>
 * <b>Default filter.</b> {@code outcome.result eq "FAILURE" and (eventType eq
 * "system.sms.send_factor_verify_message" or eventType eq "user.authentication.auth_via_mfa")}:
 * the failures in which the stuck-factor error shows, the one type hooks cannot carry
 * included.
 * <p>
 * <b>Cursor.</b> The poll position (the {@code next} link, the query it belongs to, and
 * how far the log has been read) is a record on the compacted topic
 * {@code okta.systemlog.cursor}, partition 0, keyed by the org URL. It is written
 * ({@code acks=all}, waited for) only after Kafka acknowledged every event of the page,
 * so a crash re-reads a page (duplicates, harmless) and never skips one. A replica that
 * gains the lease reads the partition back to its end and takes the last value; without
 * one it starts {@code look-back} (1 h) ago. A refused link or a changed filter starts a
 * new query five minutes before the position.
 * <p>
 * <b>Lease.</b> Only one replica polls: each replica's poller is a member of the consumer
 * group {@code healer-systemlog-lease} subscribed to the cursor topic, and the member
 * assigned its partition 0 polls (cooperative sticky assignment, so a joining replica
 * does not take the lease away). The poller runs its lease consumer, its System Log calls
 * and its Kafka writes on one thread, so the lease can only move between pages, never
 * while one is in flight; a replica that stops leaves the group and another takes over
 * within a rebalance, one that dies within the session timeout. The cursor topic doubles
 * as the lease so that there is one topic to provision.
 * <p>
 * <b>Pieces.</b> {@code SystemLogPoller} is the loop (schedule, back-off, meters) on the
 * one thread of {@code SystemLogThread}; {@code SystemLogLease} elects the leader and
 * reads the cursor partition back; {@code SystemLogCursorStore} decides where a new
 * leader starts and writes the position; {@code SystemLogPagePublisher} makes a page's
 * events durable, oversize ones skipped.
 */
@org.springframework.modulith.ApplicationModule(displayName = "System Log poller",
		allowedDependencies = { "events", "okta", "system" })
package dev.factorhealer.systemlog;
