package dev.factorhealer.systemlog;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.okta.LogPage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the poll position moves: with the newest event read while pages are full, up to the
 * poll itself once the log is drained, and a little back when a new query has to start.
 */
class SystemLogCursorTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Instant START = Instant.parse("2026-11-28T08:00:00Z");

	private static final URI FIRST = URI.create("https://example.okta.com/api/v1/logs?since=x&limit=2");

	private static final URI NEXT = URI.create("https://example.okta.com/api/v1/logs?limit=2&after=abc%2B1");

	private final SystemLogCursor start = SystemLogCursor.startingAt(START, "eventType eq \"x\"", 2);

	@Test
	void aFullPageMovesThePositionToItsNewestEventAndKeepsTheLink() {
		SystemLogCursor after = this.start.after(page(FIRST, NEXT, "2026-11-28T08:10:00Z", "2026-11-28T08:05:00Z"),
				START.plus(Duration.ofHours(1)));

		assertThat(after.next()).isEqualTo(NEXT);
		assertThat(after.position()).isEqualTo(Instant.parse("2026-11-28T08:10:00Z"));
		assertThat(after.since()).isEqualTo(START);
	}

	@Test
	void aShortPageMeansTheLogWasDrainedWhenItWasAskedFor() {
		Instant fetchedAt = START.plus(Duration.ofHours(1));

		SystemLogCursor after = this.start.after(page(FIRST, NEXT, "2026-11-28T08:10:00Z"), fetchedAt);
		SystemLogCursor empty = after.after(page(NEXT, NEXT), fetchedAt.plusSeconds(30));

		assertThat(after.position()).isEqualTo(fetchedAt);
		assertThat(empty.position()).isEqualTo(fetchedAt.plusSeconds(30));
		assertThat(empty.sameQuery(after)).as("only the position moved: not worth a write").isTrue();
	}

	@Test
	void aPageWithoutANextLinkOrARefusedLinkStartsANewQueryAlittleBeforeThePosition() {
		SystemLogCursor noLink = this.start.after(page(FIRST, null, "2026-11-28T08:10:00Z", "2026-11-28T08:11:00Z"),
				START.plus(Duration.ofHours(1)));
		SystemLogCursor restarted = new SystemLogCursor(NEXT, START, START.plusSeconds(600), "a", 2).restarted("b", 5);

		assertThat(noLink.next()).isNull();
		assertThat(noLink.since()).isEqualTo(Instant.parse("2026-11-28T08:06:00Z"));
		assertThat(restarted.next()).isNull();
		assertThat(restarted.since()).isEqualTo(START.plusSeconds(300));
		assertThat(restarted.position()).isEqualTo(START.plusSeconds(600));
		assertThat(restarted.isFor("b", 5)).isTrue();
	}

	@Test
	void isWrittenAsJsonAndReadBack() {
		SystemLogCursor cursor = new SystemLogCursor(NEXT, START, START.plusSeconds(5), "eventType eq \"x\"", 100);

		byte[] written = cursor.toJson(json, START.plusSeconds(6));

		assertThat(SystemLogCursor.fromJson(json, written)).isEqualTo(cursor);
		assertThat(SystemLogCursor.fromJson(json, this.start.toJson(json, START))).isEqualTo(this.start);
		assertThat(json.readTree(written).get("next").asString()).isEqualTo(NEXT.toString());
		assertThatThrownBy(() -> SystemLogCursor.fromJson(json, "{\"next\":null}".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> SystemLogCursor.fromJson(json, "not json".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(IllegalArgumentException.class);
	}

	private static LogPage page(URI request, URI next, String... published) {
		List<LogPage.Event> events = new ArrayList<>();
		for (String time : published) {
			String event = "{\"uuid\":\"" + time + "\",\"published\":\"" + time + "\"}";
			events.add(new LogPage.Event(event.getBytes(StandardCharsets.UTF_8), json.readTree(event)));
		}
		return new LogPage(request, events, next);
	}

}
