package dev.factorhealer.hook;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;

import dev.factorhealer.events.EventJson;
import dev.factorhealer.events.EventJson.NotUtf8Exception;
import dev.factorhealer.events.EventJson.Slice;
import dev.factorhealer.events.EventKeys;
import dev.factorhealer.events.OktaEvent;

/**
 * An Okta event hook delivery, read with Jackson's streaming parser so that each event's
 * JSON is sliced out of the request body byte for byte rather than re-serialised: the
 * event on {@code okta.events} is exactly the event Okta sent, unknown fields included.
 *
 * @param deliveryId the envelope's {@code eventId} (empty when absent)
 * @param events the events of {@code data.events}, in order
 */
record HookDelivery(String deliveryId, List<OktaEvent> events) {

	/**
	 * Reads a delivery.
	 * @throws InvalidDeliveryException with a message fit for the client when the body is
	 * not a delivery: not JSON, no {@code data.events} array, or an event without
	 * {@code uuid} or {@code eventType}
	 */
	static HookDelivery parse(byte[] body, ObjectMapper mapper) {
		requireUtf8(body);
		try (JsonParser parser = mapper.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new InvalidDeliveryException("the body must be a JSON object (an Okta event hook delivery)");
			}
			String deliveryId = "";
			List<OktaEvent> events = null;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String field = parser.currentName();
				JsonToken value = parser.nextToken();
				switch (field) {
					case "eventId" -> deliveryId = textOrFail(parser, value, "eventId");
					case "data" -> {
						if (value != JsonToken.START_OBJECT) {
							throw new InvalidDeliveryException("'data' must be an object");
						}
						List<OktaEvent> read = readData(parser, body, mapper);
						if (read != null) {
							if (events != null) {
								throw new InvalidDeliveryException("'data.events' appears twice");
							}
							events = read;
						}
					}
					default -> parser.skipChildren();
				}
			}
			if (parser.nextToken() != null) {
				throw new InvalidDeliveryException("unexpected content after the delivery object");
			}
			if (events == null) {
				throw new InvalidDeliveryException("'data.events' is missing: expected an array of System Log events");
			}
			return new HookDelivery(deliveryId, List.copyOf(events));
		}
		catch (JacksonException ex) {
			throw new InvalidDeliveryException("the body is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	/**
	 * The events are published as the bytes received, so those must be valid UTF-8
	 * ({@link Utf8}).
	 */
	private static void requireUtf8(byte[] body) {
		if (!Utf8.isValid(body)) {
			throw new InvalidDeliveryException("the body is not valid UTF-8");
		}
	}

	private static List<OktaEvent> readData(JsonParser parser, byte[] body, ObjectMapper mapper) {
		List<OktaEvent> events = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String field = parser.currentName();
			JsonToken value = parser.nextToken();
			if (!"events".equals(field)) {
				parser.skipChildren();
				continue;
			}
			if (events != null) {
				throw new InvalidDeliveryException("'data.events' appears twice");
			}
			if (value != JsonToken.START_ARRAY) {
				throw new InvalidDeliveryException("'data.events' must be an array of System Log events");
			}
			events = new ArrayList<>();
			JsonToken element;
			while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
				int index = events.size();
				if (element != JsonToken.START_OBJECT) {
					throw new InvalidDeliveryException("data.events[" + index + "] must be an object");
				}
				Slice<EventFields> event;
				try {
					event = EventJson.slice(parser, body, EventFields::read);
				}
				catch (NotUtf8Exception ex) {
					throw new InvalidDeliveryException(ex.getMessage());
				}
				events.add(event.value().toEvent(event.json(), index));
			}
		}
		return events;
	}

	/**
	 * The few fields of one event the record needs, read while the parser walks the event
	 * once: no tree is built and the values of all other fields are skipped (still
	 * tokenized, so malformed JSON fails as before). A field that appears twice counts
	 * with its last value; the key follows {@link EventKeys}.
	 */
	private static final class EventFields {

		private final EventKeys.Reader keys = new EventKeys.Reader();

		private String uuid;

		private String eventType;

		/**
		 * Reads the event whose START_OBJECT is the current token, up to its END_OBJECT.
		 */
		static EventFields read(JsonParser parser) {
			EventFields fields = new EventFields();
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				switch (name) {
					case "uuid" -> fields.uuid = stringOrNull(parser, value);
					case "eventType" -> fields.eventType = stringOrNull(parser, value);
					default -> {
						if (!fields.keys.read(name, value, parser)) {
							parser.skipChildren();
						}
					}
				}
			}
			return fields;
		}

		OktaEvent toEvent(byte[] json, int index) {
			String uuid = required(this.uuid, "uuid", index);
			String eventType = required(this.eventType, "eventType", index);
			return new OktaEvent(uuid, eventType, this.keys.keyOr(uuid), json);
		}

		private static String required(String value, String field, int index) {
			if (value == null || value.isBlank()) {
				throw new InvalidDeliveryException(
						"data.events[" + index + "]." + field + " must be a non-empty string");
			}
			return value;
		}

		/** The value when it is a string, else {@code null} (a container is skipped). */
		private static String stringOrNull(JsonParser parser, JsonToken value) {
			if (value == JsonToken.VALUE_STRING) {
				return parser.getString();
			}
			parser.skipChildren();
			return null;
		}

	}

	private static String textOrFail(JsonParser parser, JsonToken token, String field) {
		if (token == JsonToken.VALUE_NULL) {
			return "";
		}
		if (token != JsonToken.VALUE_STRING) {
			throw new InvalidDeliveryException("'" + field + "' must be a string");
		}
		return parser.getString();
	}

	/** The request body is not an Okta event hook delivery; the message says why. */
	static final class InvalidDeliveryException extends RuntimeException {

		InvalidDeliveryException(String message) {
			super(message);
		}

	}

}
