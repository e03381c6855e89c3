package dev.factorhealer.okta;

import java.time.Instant;
import java.util.List;

/**
 * Okta's event hooks API, for the set-up commands only (scope
 * {@code okta.eventHooks.manage}; the service itself never needs it).
 */
public interface OktaEventHooks {

	/** {@code GET /api/v1/eventHooks}. */
	List<EventHook> list(Instant deadline);

	/** {@code POST /api/v1/eventHooks}. */
	EventHook create(EventHook.Spec spec, Instant deadline);

	/**
	 * {@code PUT /api/v1/eventHooks/{id}}: replaces the hook's name, URI, events and auth
	 * header.
	 */
	EventHook replace(String id, EventHook.Spec spec, Instant deadline);

	/** {@code POST /api/v1/eventHooks/{id}/lifecycle/activate}. */
	EventHook activate(String id, Instant deadline);

	/**
	 * {@code POST /api/v1/eventHooks/{id}/lifecycle/verify}: Okta sends the verification
	 * GET to the hook's URI now.
	 */
	EventHook verify(String id, Instant deadline);

}
