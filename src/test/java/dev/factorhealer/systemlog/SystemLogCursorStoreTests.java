package dev.factorhealer.systemlog;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.factorhealer.support.TopicProbe;
import dev.factorhealer.systemlog.SystemLogCursorStore.CursorNotDurableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where a new lease holder starts, and when and how a position becomes durable: the
 * restore rules without a broker, the writes against the shared one.
 */
@ExtendWith(OutputCaptureExtension.class)
class SystemLogCursorStoreTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String ORG = "https://example.okta.com";

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	private static final String FILTER = "eventType eq \"system.sms.send_factor_verify_message\"";

	private static final URI NEXT = URI.create(ORG + "/api/v1/logs?limit=50&after=abc");

	private final List<SystemLogCursorStore> stores = new ArrayList<>();

	@AfterEach
	void close() {
		this.stores.forEach(SystemLogCursorStore::close);
	}

	@Test
	void withoutACursorTheFirstPollStartsLookBackAgoAndIsWrittenAtOnce(CapturedOutput output) {
		SystemLogCursorStore store = store("okta.systemlog.cursor", SystemLogKafka.kafka(SystemLogKafka.UNREACHABLE));

		SystemLogCursor first = store.restore(null, NOW);

		assertThat(first).isEqualTo(SystemLogCursor.startingAt(Instant.parse("2026-12-01T08:00:00Z"), FILTER, 50));
		assertThat(store.needsWrite(first, false)).as("nothing is durable yet").isTrue();
		assertThat(output).contains("System Log cursor initialised: none for " + ORG
				+ " on okta.systemlog.cursor-0; the first poll starts at 2026-12-01T08:00:00Z (look-back PT2H)");
	}

	@Test
	void anUnreadableCursorStartsAfreshFromLookBack(CapturedOutput output) {
		SystemLogCursorStore store = store("okta.systemlog.cursor", SystemLogKafka.kafka(SystemLogKafka.UNREACHABLE));

		SystemLogCursor first = store.restore("{\"next\":null}".getBytes(StandardCharsets.UTF_8), NOW);

		assertThat(first).isEqualTo(SystemLogCursor.startingAt(NOW.minus(Duration.ofHours(2)), FILTER, 50));
		assertThat(output).contains("System Log cursor of " + ORG + " on okta.systemlog.cursor-0 is unreadable (")
			.contains("starting afresh");
	}

	@Test
	void aCursorOfTheSameQueryIsFollowedAndOnlyANewQueryStateIsWorthAWrite(CapturedOutput output) {
		SystemLogCursorStore store = store("okta.systemlog.cursor", SystemLogKafka.kafka(SystemLogKafka.UNREACHABLE));
		SystemLogCursor stored = new SystemLogCursor(NEXT, NOW.minusSeconds(3600), NOW.minusSeconds(60), FILTER, 50);

		SystemLogCursor restored = store.restore(stored.toJson(json, NOW.minusSeconds(60)), NOW);

		assertThat(restored).isEqualTo(stored);
		SystemLogCursor positionMoved = new SystemLogCursor(NEXT, stored.since(), NOW, FILTER, 50);
		assertThat(store.needsWrite(positionMoved, false)).as("the position alone moved").isFalse();
		assertThat(store.needsWrite(positionMoved, true)).as("after a page with events").isTrue();
		assertThat(
				store.needsWrite(new SystemLogCursor(URI.create(NEXT + "2"), stored.since(), NOW, FILTER, 50), false))
			.as("a new link")
			.isTrue();
		assertThat(output)
			.contains("System Log cursor restored: position 2026-12-01T09:59:00Z, following its next link");
	}

	@Test
	void aChangedFilterOrLimitStartsANewQueryFiveMinutesBeforeThePosition(CapturedOutput output) {
		SystemLogCursorStore store = store("okta.systemlog.cursor", SystemLogKafka.kafka(SystemLogKafka.UNREACHABLE));
		SystemLogCursor stored = new SystemLogCursor(NEXT, NOW.minusSeconds(3600), NOW.minusSeconds(60),
				"eventType eq \"user.authentication.auth_via_mfa\"", 50);

		SystemLogCursor restored = store.restore(stored.toJson(json, NOW), NOW);

		assertThat(restored)
			.isEqualTo(new SystemLogCursor(null, NOW.minusSeconds(360), NOW.minusSeconds(60), FILTER, 50));
		assertThat(store.needsWrite(restored, false)).as("the new query is written before its first page").isTrue();
		assertThat(output).contains("System Log cursor restored at position 2026-12-01T09:59:00Z, "
				+ "but the filter or limit changed: a new query from 2026-12-01T09:54:00Z");
	}

	@Test
	void aWrittenCursorIsTheOrgsRecordOnPartitionZeroAndTheNextHolderStartsFromIt() throws Exception {
		String topic = SystemLogKafka.newCursorTopic();
		SystemLogCursorStore store = store(topic, SystemLogKafka.kafka());
		SystemLogCursor cursor = new SystemLogCursor(NEXT, NOW.minusSeconds(3600), NOW.minusSeconds(5), FILTER, 50);

		try (TopicProbe probe = TopicProbe.open(topic)) {
			store.write(cursor);

			ConsumerRecord<String, byte[]> record = probe.awaitRecords(1, r -> true).get(0);
			assertThat(record.partition()).isZero();
			assertThat(record.key()).isEqualTo(ORG);
			assertThat(json.readTree(record.value()).get("writtenAt").asString()).isEqualTo(NOW.toString());
			assertThat(store.needsWrite(cursor, false)).as("durable now").isFalse();
			assertThat(store(topic, SystemLogKafka.kafka()).restore(record.value(), NOW.plusSeconds(600)))
				.isEqualTo(cursor);
		}
	}

	@Test
	void aCursorKafkaDoesNotAcknowledgeIsNotDurable() {
		SystemLogCursorStore store = store("okta.systemlog.cursor", SystemLogKafka.kafka(SystemLogKafka.UNREACHABLE));
		SystemLogCursor cursor = store.restore(null, NOW);

		assertThatThrownBy(() -> store.write(cursor)).isInstanceOf(CursorNotDurableException.class);
		assertThat(store.needsWrite(cursor, false)).as("still to be written").isTrue();
	}

	private SystemLogCursorStore store(String topic, KafkaProperties kafka) {
		SystemLogProperties settings = SystemLogKafka.settings("unused",
				Map.of("filter", FILTER, "limit", "50", "look-back", "2h", "publish-timeout", "2s"));
		SystemLogCursorStore store = new SystemLogCursorStore(SystemLogKafka.template(kafka, "test-cursor", Map.of()),
				new TopicPartition(topic, 0), ORG, settings, json, Clock.fixed(NOW, ZoneOffset.UTC));
		this.stores.add(store);
		return store;
	}

}
