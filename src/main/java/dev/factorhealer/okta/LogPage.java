package dev.factorhealer.okta;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * One page of the System Log.
 *
 * @param request the link that fetched it
 * @param events its events, in Okta's order (ascending {@code published})
 * @param next the {@code Link: <...>; rel="next"} to follow for the next page, as Okta
 * gave it; {@code null} when the answer had none (or one that does not point at the org's
 * System Log)
 */
public record LogPage(URI request, List<Event> events, URI next) {

	public LogPage {
		Objects.requireNonNull(request, "request");
		events = List.copyOf(events);
	}

	/**
	 * The newest {@code published} of the page's events, {@code null} when none has one.
	 */
	public Instant newestPublished() {
		Instant newest = null;
		for (Event event : this.events) {
			Instant published = event.published();
			if (published != null && (newest == null || published.isAfter(newest))) {
				newest = published;
			}
		}
		return newest;
	}

	/**
	 * One System Log event exactly as Okta sent it.
	 *
	 * @param json the bytes of the event's JSON object, sliced out of the answer
	 * unchanged (unknown fields and formatting kept): what is published
	 * @param fields the same object parsed, to read fields from
	 */
	public record Event(byte[] json, JsonNode fields) {

		public Event {
			Objects.requireNonNull(json, "json");
			Objects.requireNonNull(fields, "fields");
		}

		/** {@code uuid}, {@code null} when missing or not a string. */
		public String uuid() {
			return text("uuid");
		}

		/** {@code eventType}, {@code null} when missing or not a string. */
		public String eventType() {
			return text("eventType");
		}

		/** {@code published}, {@code null} when missing or not an ISO-8601 timestamp. */
		public Instant published() {
			String published = text("published");
			if (published == null) {
				return null;
			}
			try {
				return OffsetDateTime.parse(published).toInstant();
			}
			catch (DateTimeException ex) {
				return null;
			}
		}

		private String text(String field) {
			JsonNode value = this.fields.get(field);
			return (value != null && value.isString()) ? value.asString() : null;
		}

	}

}
