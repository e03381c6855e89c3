/**
 * The {@code okta.events} contract, shared by everyone who writes or reads System Log
 * events: the event ({@link dev.factorhealer.events.OktaEvent}, its exact bytes as Okta
 * sent them), the record key rule ({@link dev.factorhealer.events.EventKeys}: the Okta
 * user, so one user's events stay ordered on one partition), the headers
 * ({@link dev.factorhealer.events.OktaEventHeaders}), the sources
 * ({@link dev.factorhealer.events.EventSource}) and the publisher port
 * ({@link dev.factorhealer.events.OktaEventPublisher}) with its Kafka adapter
 * ({@code acks=all}, idempotent, every event acknowledged before the call returns).
 * <p>
 * It is a module of its own because data flows one way: the hook and the System Log
 * poller publish through it, detection and the follow-up read through it, and none of
 * them needs to know the others. Before, the contract lived in {@code hook}, so readers
 * of the topic depended on the front door. It depends only on the shared Kafka set-up
 * ({@code system}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Okta events contract",
		allowedDependencies = { "system" })
package dev.factorhealer.events;
