package dev.factorhealer.fakeokta;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The org's System Log and the {@code GET /api/v1/logs} paging. Not thread-safe: guarded
 * by the owning {@link FakeOktaOrg}'s lock.
 *
 * <p>
 * Paging: pages are ascending by {@code published} (ties in append order). The
 * {@code after} cursor is opaque and stored here: it stands for the exact set of events
 * already handed out along that chain of links, so following {@code next} never returns
 * an event twice and still returns an event that was appended later with an older
 * {@code published}. Cursors are immutable: following the same link twice gives the same
 * page (a retried GET is harmless).
 */
final class FakeSystemLog {

	static final int DEFAULT_LIMIT = 100;
	static final int MAX_LIMIT = 1000;

	/** Okta's default lower bound when {@code since} is omitted. */
	static final Duration DEFAULT_SINCE = Duration.ofDays(7);

	static final class QueryException extends RuntimeException {

		final OktaError error;

		QueryException(OktaError error) {
			super(error.errorSummary());
			this.error = error;
		}

	}

	record Page(List<ObjectNode> events, String selfUrl, String nextUrl) {
	}

	private record Entry(int seq, Instant published, ObjectNode event) {
	}

	private record Cursor(BitSet delivered, Instant since, Instant until) {
	}

	/** Sorted by published, then append order. */
	private final List<Entry> entries = new ArrayList<>();

	private final Set<String> uuids = new HashSet<>();

	private final Map<String, Cursor> cursors = new HashMap<>();

	private int nextSeq;

	/** Stores a deep copy of the event as received; returns its uuid. */
	String append(JsonNode event) {
		if (event == null || !event.isObject()) {
			throw new IllegalArgumentException("A log event must be a JSON object");
		}
		JsonNode uuidNode = event.path("uuid");
		if (!uuidNode.isString() || uuidNode.stringValue().isBlank()) {
			throw new IllegalArgumentException("A log event needs a non-blank string 'uuid'");
		}
		String uuid = uuidNode.stringValue();
		JsonNode publishedNode = event.path("published");
		if (!publishedNode.isString()) {
			throw new IllegalArgumentException("A log event needs a string 'published' timestamp");
		}
		Instant published;
		try {
			published = parseInstant(publishedNode.stringValue());
		}
		catch (DateTimeException e) {
			throw new IllegalArgumentException("Unparseable 'published': " + publishedNode.stringValue(), e);
		}
		if (!uuids.add(uuid)) {
			throw new IllegalArgumentException("Duplicate log event uuid " + uuid);
		}
		Entry entry = new Entry(nextSeq++, published, (ObjectNode) event.deepCopy());
		int index = entries.size();
		while (index > 0 && entries.get(index - 1).published().isAfter(published)) {
			index--;
		}
		entries.add(index, entry);
		return uuid;
	}

	List<ObjectNode> events() {
		List<ObjectNode> copy = new ArrayList<>(entries.size());
		for (Entry entry : entries) {
			copy.add(entry.event().deepCopy());
		}
		return copy;
	}

	void clear() {
		entries.clear();
		uuids.clear();
		cursors.clear();
	}

	Page query(HttpUrl request, String baseUrl, Instant now) {
		if (request.queryParameter("q") != null) {
			throw new QueryException(OktaError.validation("q", "The fake org does not support keyword search (q)"));
		}
		String sortOrder = request.queryParameter("sortOrder");
		if (sortOrder != null && !sortOrder.equals("ASCENDING")) {
			throw new QueryException(OktaError.validation("sortOrder", "The fake org only supports ASCENDING"));
		}
		int limit = parseLimit(request.queryParameter("limit"));
		String filterText = request.queryParameter("filter");
		Predicate<JsonNode> filter;
		try {
			filter = LogFilter.parse(filterText);
		}
		catch (LogFilter.InvalidFilterException e) {
			throw new QueryException(
					new OktaError(400, OktaError.INVALID_SEARCH, "Invalid search criteria.", List.of(e.getMessage())));
		}

		String after = request.queryParameter("after");
		Cursor cursor;
		if (after != null) {
			cursor = cursors.get(after);
			if (cursor == null) {
				throw new QueryException(OktaError.validation("after", "Unknown or expired cursor"));
			}
		}
		else {
			Instant since = parseParam("since", request.queryParameter("since"), now.minus(DEFAULT_SINCE));
			Instant until = parseParam("until", request.queryParameter("until"), null);
			if (until != null && !since.isBefore(until)) {
				throw new QueryException(OktaError.validation("until", "until must be after since"));
			}
			cursor = new Cursor(new BitSet(), since, until);
		}

		List<Entry> page = new ArrayList<>();
		boolean more = false;
		for (Entry entry : entries) {
			if (cursor.delivered().get(entry.seq()) || entry.published().isBefore(cursor.since())
					|| (cursor.until() != null && !entry.published().isBefore(cursor.until()))
					|| !filter.test(entry.event())) {
				continue;
			}
			if (page.size() == limit) {
				more = true;
				break;
			}
			page.add(entry);
		}

		String cursorId;
		if (page.isEmpty() && after != null) {
			cursorId = after;
		}
		else {
			BitSet delivered = (BitSet) cursor.delivered().clone();
			page.forEach(entry -> delivered.set(entry.seq()));
			cursorId = OktaError.randomAlphanumeric(24);
			cursors.put(cursorId, new Cursor(delivered, cursor.since(), cursor.until()));
		}

		boolean polling = cursor.until() == null;
		String next = null;
		if (polling || more) {
			HttpUrl.Builder nextUrl = HttpUrl.get(baseUrl)
				.newBuilder()
				.encodedPath("/api/v1/logs")
				.addQueryParameter("limit", Integer.toString(limit));
			if (filterText != null) {
				nextUrl.addQueryParameter("filter", filterText);
			}
			next = nextUrl.addQueryParameter("after", cursorId).build().toString();
		}
		String query = request.encodedQuery();
		String self = baseUrl + request.encodedPath() + (query == null ? "" : "?" + query);

		List<ObjectNode> events = new ArrayList<>(page.size());
		page.forEach(entry -> events.add(entry.event()));
		return new Page(events, self, next);
	}

	private static int parseLimit(String raw) {
		if (raw == null) {
			return DEFAULT_LIMIT;
		}
		int limit;
		try {
			limit = Integer.parseInt(raw.trim());
		}
		catch (NumberFormatException e) {
			throw new QueryException(OktaError.validation("limit", "limit must be an integer"));
		}
		if (limit < 1) {
			throw new QueryException(OktaError.validation("limit", "limit must be at least 1"));
		}
		return Math.min(limit, MAX_LIMIT);
	}

	private static Instant parseParam(String name, String raw, Instant fallback) {
		if (raw == null) {
			return fallback;
		}
		try {
			return parseInstant(raw);
		}
		catch (DateTimeException e) {
			throw new QueryException(OktaError.validation(name, name + " must be an ISO 8601 timestamp"));
		}
	}

	static Instant parseInstant(String text) {
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeException e) {
			return Instant.parse(text);
		}
	}

}
