/**
 * The Okta-side set-up from the command line, in the service's own jar:
 * {@code hook create} (create or update the event hook, then verify it),
 * {@code hook show} and {@code doctor} (credentials, scopes and admin rights, rate-limit
 * headroom, the hook, Kafka). Only these commands need the scope
 * {@code okta.eventHooks.manage}; the service never asks for it.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Okta-side set-up commands",
		allowedDependencies = { "okta", "system" })
package dev.factorhealer.setup;
