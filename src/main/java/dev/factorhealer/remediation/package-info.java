/**
 * The heal: the {@code remediate} consumer reads {@code okta.remediation.requests}, lists
 * the user's factors and, in {@code live} mode, unenrolls only a factor of an allowed
 * type (default {@code sms}) that is in {@code PENDING_ACTIVATION} right before the
 * DELETE. A 404 on DELETE is {@code ALREADY_REMOVED}, a success. Every request ends as
 * exactly one record on {@code okta.remediation.results}; a {@code FAILED} one also goes
 * to {@code okta.remediation.requests.dlq}. Offsets are committed only after that, so a
 * crash replays the work, which is harmless because every step is idempotent. A cap on
 * deletions per hour bounds the blast radius of a bad rule.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Remediation worker",
		allowedDependencies = { "okta", "detection", "deadletter", "system" })
package dev.factorhealer.remediation;
