package dev.factorhealer.events;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.databind.JsonNode;

/**
 * The record key of a System Log event: the Okta user it is about, so all of one user's
 * events land on one partition and are seen in order by one detector. The rule, written
 * once and read by streaming so that the hook never builds a tree: the id of the first
 * {@code target} of type {@code User}, else the id of the {@code actor} when it is a
 * {@code User}, else a fallback (the event uuid). Targets are searched by {@code type},
 * never by position; an id counts only when it is a non-blank string; a field that
 * appears twice counts with its last value (as in a tree). Callers that hold a tree
 * stream it through the same rule.
 */
public final class EventKeys {

	private EventKeys() {
	}

	/** The user id of the event, else the fallback (the event uuid). */
	public static String keyOf(JsonNode event, String fallback) {
		String user = userId(event);
		return (user != null) ? user : fallback;
	}

	/**
	 * The id of the first {@code User} target, else of a {@code User} actor; {@code null}
	 * if neither.
	 */
	public static String userId(JsonNode event) {
		if (event == null || !event.isObject()) {
			return null;
		}
		try (JsonParser parser = event.traverse(ObjectReadContext.empty())) {
			parser.nextToken();
			return userId(parser);
		}
	}

	/**
	 * The user id of the event whose {@code START_OBJECT} is the parser's current token,
	 * read up to its {@code END_OBJECT} without building a tree; {@code null} if none.
	 */
	public static String userId(JsonParser parser) {
		Reader reader = new Reader();
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			if (!reader.read(name, parser.nextToken(), parser)) {
				parser.skipChildren();
			}
		}
		return reader.userId();
	}

	/**
	 * Collects the key while a streaming parser walks one event's fields: the event's own
	 * loop hands every field to {@link #read} and handles those it declines, so the event
	 * is read once.
	 */
	public static final class Reader {

		private String targetUser;

		private String actorUser;

		/**
		 * Reads the value of a {@code target} or {@code actor} field (the parser's
		 * current token is the value's first token) up to its end.
		 * @return {@code false}, having read nothing, for any other field
		 */
		public boolean read(String name, JsonToken value, JsonParser parser) {
			if ("target".equals(name)) {
				this.targetUser = (value == JsonToken.START_ARRAY) ? firstUser(parser) : skipped(parser);
				return true;
			}
			if ("actor".equals(name)) {
				this.actorUser = (value == JsonToken.START_OBJECT) ? userIdOf(parser) : skipped(parser);
				return true;
			}
			return false;
		}

		/** The user id found so far; {@code null} if none. */
		public String userId() {
			return (this.targetUser != null) ? this.targetUser : this.actorUser;
		}

		/** The user id, else the fallback. */
		public String keyOr(String fallback) {
			String user = userId();
			return (user != null) ? user : fallback;
		}

		/**
		 * The id of the first element that is a {@code User} object; reads the array to
		 * its end.
		 */
		private static String firstUser(JsonParser parser) {
			String found = null;
			JsonToken element;
			while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
				if (element == JsonToken.START_OBJECT && found == null) {
					found = userIdOf(parser);
				}
				else {
					parser.skipChildren();
				}
			}
			return found;
		}

		/**
		 * The object's {@code id} when its {@code type} is {@code User} and the id a
		 * non-blank string.
		 */
		private static String userIdOf(JsonParser parser) {
			String type = null;
			String id = null;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("type".equals(name)) {
					type = stringOrNull(parser, value);
				}
				else if ("id".equals(name)) {
					id = stringOrNull(parser, value);
				}
				else {
					parser.skipChildren();
				}
			}
			return ("User".equals(type) && id != null && !id.isBlank()) ? id : null;
		}

		private static String stringOrNull(JsonParser parser, JsonToken value) {
			if (value == JsonToken.VALUE_STRING) {
				return parser.getString();
			}
			parser.skipChildren();
			return null;
		}

		private static String skipped(JsonParser parser) {
			parser.skipChildren();
			return null;
		}

	}

}
