package dev.factorhealer.systemlog;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.factorhealer.okta.LogPage;

/**
 * Where the poll stands; the value of the records on the cursor topic, as JSON.
 *
 * @param next the {@code next} link to follow, as Okta gave it; {@code null} to start a
 * query from {@code since}
 * @param since lower bound of the query started when there is no {@code next} link
 * @param position every event published before it has been read (the newest
 * {@code published} seen, or the time of the last poll that found nothing more);
 * {@code now - position} is the lag
 * @param filter the filter of the query the link belongs to
 * @param limit the page size of the query the link belongs to
 */
record SystemLogCursor(URI next, Instant since, Instant position, String filter, int limit) {

	/**
	 * A restarted query overlaps what was read by this much: duplicates are harmless,
	 * gaps are not.
	 */
	static final Duration RESTART_OVERLAP = Duration.ofMinutes(5);

	static SystemLogCursor startingAt(Instant since, String filter, int limit) {
		return new SystemLogCursor(null, since, since, filter, limit);
	}

	/** The cursor after a page fetched at {@code fetchedAt}. */
	SystemLogCursor after(LogPage page, Instant fetchedAt) {
		Instant reached = this.position;
		Instant newest = page.newestPublished();
		if (newest != null && newest.isAfter(reached)) {
			reached = newest;
		}
		if (page.events().size() < this.limit && fetchedAt.isAfter(reached)) {
			// not full: the log held nothing more when the page was asked for
			reached = fetchedAt;
		}
		if (page.next() == null) {
			return new SystemLogCursor(null, reached.minus(RESTART_OVERLAP), reached, this.filter, this.limit);
		}
		return new SystemLogCursor(page.next(), this.since, reached, this.filter, this.limit);
	}

	/**
	 * A new query from a little before the position (the link was refused, or the filter
	 * changed).
	 */
	SystemLogCursor restarted(String filter, int limit) {
		return new SystemLogCursor(null, this.position.minus(RESTART_OVERLAP), this.position, filter, limit);
	}

	boolean isFor(String filter, int limit) {
		return this.filter.equals(filter) && this.limit == limit;
	}

	/** Same query state; the position alone moving is not worth a write. */
	boolean sameQuery(SystemLogCursor other) {
		return other != null && Objects.equals(this.next, other.next) && this.since.equals(other.since)
				&& this.filter.equals(other.filter) && this.limit == other.limit;
	}

	byte[] toJson(JsonMapper mapper, Instant writtenAt) {
		ObjectNode node = mapper.createObjectNode();
		node.put("next", (this.next != null) ? this.next.toString() : null);
		node.put("since", this.since.toString());
		node.put("position", this.position.toString());
		node.put("filter", this.filter);
		node.put("limit", this.limit);
		node.put("writtenAt", writtenAt.toString());
		return mapper.writeValueAsBytes(node);
	}

	/**
	 * Reads a cursor record's value.
	 * @throws IllegalArgumentException when it is not a cursor
	 */
	static SystemLogCursor fromJson(JsonMapper mapper, byte[] json) {
		try {
			JsonNode node = mapper.readTree(json);
			if (node == null || !node.isObject()) {
				throw new IllegalArgumentException("not a JSON object");
			}
			String next = text(node, "next");
			Instant since = Instant.parse(required(node, "since"));
			Instant position = Instant.parse(required(node, "position"));
			JsonNode limit = node.get("limit");
			if (limit == null || !limit.isInt()) {
				throw new IllegalArgumentException("no limit");
			}
			return new SystemLogCursor((next != null) ? URI.create(next) : null, since, position,
					required(node, "filter"), limit.asInt());
		}
		catch (JacksonException | DateTimeParseException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
	}

	private static String required(JsonNode node, String field) {
		String value = text(node, field);
		if (value == null) {
			throw new IllegalArgumentException("no " + field);
		}
		return value;
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
