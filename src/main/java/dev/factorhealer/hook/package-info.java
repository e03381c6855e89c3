/**
 * The front door: Okta's event hook. Answers the one-time verification challenge, checks
 * the shared secret, the media type, the size and the envelope of every delivery, and
 * makes each System Log event durable on {@code okta.events} before it answers 200. Okta
 * retries a delivery once at most, so an event answered 200 must already be acknowledged
 * by Kafka ({@code acks=all}, idempotent producer); when Kafka does not acknowledge in
 * time the answer is 503 and Okta retries.
 * <p>
 * The hook publishes through {@link dev.factorhealer.events.OktaEventPublisher}, the port
 * of the {@code okta.events} contract, like every other source of System Log events (the
 * System Log poller): same key and header rules. Nothing depends on this module.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Event hook receiver",
		allowedDependencies = { "events", "system" })
package dev.factorhealer.hook;
