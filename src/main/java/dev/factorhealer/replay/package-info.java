/**
 * Re-drives stuck records once their cause is fixed: reads a stuck-event topic and
 * re-publishes each selected record, key and value unchanged, to the topic it originally
 * came from. Filters (time window, user, exception or reason, max) and a dry run select
 * what moves; a ledger topic remembers what was already replayed so running replay twice
 * sends nothing twice; a loop guard parks a record replayed too often on
 * {@code okta.remediation.parked}. Two ways in share one
 * {@link dev.factorhealer.replay.ReplayService}: {@code POST /admin/replay} and the
 * {@code replay} command of the jar.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Replay of stuck records",
		allowedDependencies = { "deadletter", "system" })
package dev.factorhealer.replay;
