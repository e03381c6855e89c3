package dev.factorhealer.events;

import java.util.Arrays;
import java.util.function.Function;

import tools.jackson.core.JsonParser;

/**
 * Slices one event's JSON object out of the bytes that carried it, byte for byte, while a
 * streaming parser reads it: an event on {@code okta.events} is exactly what Okta sent
 * (unknown fields and formatting kept), never re-serialised. Hook deliveries and System
 * Log pages both come through here.
 */
public final class EventJson {

	private EventJson() {
	}

	/**
	 * Reads the object whose {@code START_OBJECT} is the parser's current token with
	 * {@code reader} (which must leave the parser on the object's {@code END_OBJECT}) and
	 * cuts its bytes out of {@code body}, the array the parser reads.
	 * @throws NotUtf8Exception when the parser counts characters rather than bytes (it
	 * detected UTF-16 or UTF-32), so no slice can be cut
	 */
	public static <T> Slice<T> slice(JsonParser parser, byte[] body, Function<JsonParser, T> reader) {
		long start = parser.currentTokenLocation().getByteOffset();
		T value = reader.apply(parser);
		long end = parser.currentLocation().getByteOffset();
		if (start < 0 || end <= start || end > body.length) {
			throw new NotUtf8Exception();
		}
		return new Slice<>(Arrays.copyOfRange(body, (int) start, (int) end), value);
	}

	/**
	 * One event's bytes and what the reader made of them.
	 *
	 * @param json the bytes of the object, as received
	 * @param value what the reader returned
	 */
	public record Slice<T>(byte[] json, T value) {

	}

	/**
	 * The body is JSON in another encoding than UTF-8: events are published as UTF-8
	 * bytes.
	 */
	public static final class NotUtf8Exception extends RuntimeException {

		NotUtf8Exception() {
			super("the body must be JSON encoded in UTF-8");
		}

	}

}
