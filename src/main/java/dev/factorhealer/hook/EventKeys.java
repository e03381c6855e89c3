package dev.factorhealer.hook;

import tools.jackson.databind.JsonNode;

/**
 * The record key of a System Log event: the Okta user it is about, so all of one user's events
 * land on one partition and are seen in order by one detector. Targets are searched by
 * {@code type}, never by position.
 */
public final class EventKeys {

	private EventKeys() {
	}

	/**
	 * The id of the first target of type {@code User}, else the actor's id when the actor is a
	 * {@code User}, else the fallback (the event uuid).
	 */
	public static String keyOf(JsonNode event, String fallback) {
		String user = userId(event);
		return user != null ? user : fallback;
	}

	/** The id of the first {@code User} target, else of a {@code User} actor; {@code null} if neither. */
	public static String userId(JsonNode event) {
		JsonNode targets = event.get("target");
		if (targets != null && targets.isArray()) {
			for (JsonNode target : targets) {
				String id = userIdOf(target);
				if (id != null) {
					return id;
				}
			}
		}
		return userIdOf(event.get("actor"));
	}

	private static String userIdOf(JsonNode node) {
		if (node == null || !node.isObject()) {
			return null;
		}
		JsonNode type = node.get("type");
		JsonNode id = node.get("id");
		if (type != null && "User".equals(type.asString(null)) && id != null && id.isString() && !id.asString().isBlank()) {
			return id.asString();
		}
		return null;
	}

}
