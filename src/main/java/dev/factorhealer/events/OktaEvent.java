package dev.factorhealer.events;

import java.util.Objects;

/**
 * One System Log event as Okta sent it: the exact bytes of its JSON object (so unknown
 * fields and their formatting are kept), with the few fields the pipeline routes on.
 *
 * @param uuid the event's {@code uuid}
 * @param eventType the event's {@code eventType}
 * @param key the record key: the Okta user id (target of type {@code User}, else actor of
 * type {@code User}), else the event uuid, so one user's events stay ordered on one
 * partition
 * @param json the event's JSON object, byte for byte as received
 */
public record OktaEvent(String uuid, String eventType, String key, byte[] json) {

	public OktaEvent {
		Objects.requireNonNull(uuid, "uuid");
		Objects.requireNonNull(eventType, "eventType");
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(json, "json");
	}

}
