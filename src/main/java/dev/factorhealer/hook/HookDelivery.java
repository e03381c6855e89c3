package dev.factorhealer.hook;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * An Okta event hook delivery, read with Jackson's streaming parser so that each event's JSON is
 * sliced out of the request body byte for byte rather than re-serialised: the event on
 * {@code okta.events} is exactly the event Okta sent, unknown fields included.
 *
 * @param deliveryId the envelope's {@code eventId} (empty when absent)
 * @param events the events of {@code data.events}, in order
 */
record HookDelivery(String deliveryId, List<OktaEvent> events) {

	/**
	 * Reads a delivery.
	 * @throws InvalidDeliveryException with a message fit for the client when the body is not a
	 * delivery: not JSON, no {@code data.events} array, or an event without {@code uuid} or
	 * {@code eventType}
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
	 * Jackson decodes UTF-8 leniently (overlong forms, surrogates, code points past U+10FFFF); the
	 * events are published as bytes, so the bytes themselves must be valid UTF-8.
	 */
	private static void requireUtf8(byte[] body) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body));
		}
		catch (CharacterCodingException ex) {
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
				long start = parser.currentTokenLocation().getByteOffset();
				JsonNode event = parser.readValueAsTree();
				long end = parser.currentLocation().getByteOffset();
				if (start < 0 || end <= start || end > body.length) {
					// Jackson detected another encoding (UTF-16/32) and reads characters, not bytes
					throw new InvalidDeliveryException("the body must be JSON encoded in UTF-8");
				}
				events.add(toEvent(event, Arrays.copyOfRange(body, (int) start, (int) end), index));
			}
		}
		return events;
	}

	private static OktaEvent toEvent(JsonNode event, byte[] json, int index) {
		String uuid = requiredText(event, "uuid", index);
		String eventType = requiredText(event, "eventType", index);
		return new OktaEvent(uuid, eventType, EventKeys.keyOf(event, uuid), json);
	}

	private static String requiredText(JsonNode event, String field, int index) {
		JsonNode value = event.get(field);
		if (value == null || !value.isString() || value.asString().isBlank()) {
			throw new InvalidDeliveryException("data.events[" + index + "]." + field + " must be a non-empty string");
		}
		return value.asString();
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
