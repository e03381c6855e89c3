/**
 * Finds users whose SMS factor is stuck: the {@code detect} function reads every System
 * Log event on {@code okta.events}, looks for Okta's "Resource not found: {userId}
 * (UserFactor)" error wherever it may appear (its place in the event is not documented)
 * in the failures where SMS failures show (by default FAILURE of {@code system.sms.*},
 * {@code user.mfa.*}, {@code user.authentication.*}; elsewhere it is only counted as
 * ignored), and asks for one remediation per user on {@code okta.remediation.requests}.
 * Hook and System Log deliver at-least-once and overlap, so events are deduplicated by
 * {@code uuid}, and a user failing again and again is coalesced into one request per
 * window.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Stuck-factor detection",
		allowedDependencies = { "events", "deadletter", "system" })
package dev.factorhealer.detection;
