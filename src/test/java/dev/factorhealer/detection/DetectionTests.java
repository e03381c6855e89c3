package dev.factorhealer.detection;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.deadletter.UnprocessableRecordException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One record of {@code okta.events} through the detect function: what it writes and
 * counts.
 */
class DetectionTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	private static final List<DetectionProperties.Rule> RULES = List.of(new DetectionProperties.Rule(
			"user-factor-not-found", "Resource not found: (?<userId>\\w+) \\(UserFactor\\)",
			List.of("system.sms.*", "user.mfa.*", "user.authentication.*"), List.of("FAILURE"), "sms"));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final Detection detection = new Detection(new StuckFactorDetector(RULES), EventScreen.of(RULES, json),
			new DetectionMemory(Duration.ofHours(24), 1000, Duration.ofMinutes(10), 1000), json,
			Clock.fixed(NOW, ZoneOffset.UTC), this.registry);

	@Test
	void aStuckFactorEventBecomesOneRequestKeyedByTheUser() {
		Message<byte[]> request = this.detection.apply(record(stuck("e1", "00uANA", "FAILURE"), 0, 1));

		assertThat(new String((byte[]) request.getHeaders().get(KafkaHeaders.KEY), StandardCharsets.UTF_8))
			.isEqualTo("00uANA");
		assertThat(request.getHeaders().get(MessageHeaders.CONTENT_TYPE)).hasToString("application/json");
		JsonNode body = json.readTree(request.getPayload());
		assertThat(body.get("userId").asString()).isEqualTo("00uANA");
		assertThat(body.get("factorType").asString()).isEqualTo("sms");
		assertThat(body.get("sourceEventUuid").asString()).isEqualTo("e1");
		assertThat(body.get("reason").asString())
			.isEqualTo("user-factor-not-found: Resource not found: 00uANA (UserFactor)");
		assertThat(Instant.parse(body.get("detectedAt").asString())).isEqualTo(NOW);
		assertThat(Instant.parse(body.get("published").asString()))
			.isEqualTo(Instant.parse("2026-11-28T09:12:44.123Z"));
		assertThat(count("healer.detection.matches", "rule", "user-factor-not-found")).isEqualTo(1);
	}

	@Test
	void theSameEventInAnotherRecordIsADuplicateButTheSameRecordAgainIsNot() {
		assertThat(this.detection.apply(record(stuck("e1", "00uANA", "FAILURE"), 0, 1))).isNotNull();

		assertThat(this.detection.apply(record(stuck("e1", "00uANA", "FAILURE"), 2, 5))).isNull();
		assertThat(count("healer.detection.duplicates", "reason", "event")).isEqualTo(1);
		assertThat(this.detection.apply(record(stuck("e1", "00uANA", "FAILURE"), 0, 1))).as("a retry of the record")
			.isNotNull();
	}

	@Test
	void aUserFailingAgainWithinTheWindowIsAskedForOnce() {
		assertThat(this.detection.apply(record(stuck("e1", "00uANA", "FAILURE"), 0, 1))).isNotNull();

		assertThat(this.detection.apply(record(stuck("e2", "00uANA", "FAILURE"), 0, 2))).isNull();
		assertThat(count("healer.detection.duplicates", "reason", "user")).isEqualTo(1);
	}

	@Test
	void aReplayedRecordAsksAgain() {
		assertThat(this.detection.apply(record(stuck("e1", "00uANA", "FAILURE"), 0, 1))).isNotNull();

		Message<byte[]> replayed = MessageBuilder.fromMessage(record(stuck("e1", "00uANA", "FAILURE"), 0, 9))
			.setHeader(StuckRecordHeaders.REPLAY_COUNT, "1".getBytes(StandardCharsets.UTF_8))
			.build();
		assertThat(this.detection.apply(replayed)).isNotNull();
	}

	@Test
	void theErrorOutsideAFailureIsCountedAsIgnoredAndAsksForNothing() {
		assertThat(this.detection.apply(record(stuck("e1", "00uANA", "SUCCESS"), 0, 1))).isNull();
		assertThat(this.detection.apply(record(
				stuck("e2", "00uANA", "FAILURE").replace("user.authentication.auth_via_mfa", "user.session.start"), 0,
				2)))
			.isNull();

		assertThat(count("healer.detection.ignored", "reason", "outcome")).isEqualTo(1);
		assertThat(count("healer.detection.ignored", "reason", "event_type")).isEqualTo(1);
	}

	@Test
	void theErrorWrittenWithJsonEscapesIsFoundAsWell() {
		String escaped = stuck("e1", "00uANA", "FAILURE")
			.replace("Resource not found", "\\u0052esource not \\u0066ound")
			.replace("\"FAILURE\"", "\"\\u0046AILURE\"");

		assertThat(this.detection.apply(record(escaped, 0, 1))).isNotNull();
	}

	@Test
	void anOrdinaryEventAsksForNothingAndCountsNothing() {
		assertThat(this.detection.apply(record("""
				{"uuid":"e1","eventType":"user.session.start","outcome":{"result":"SUCCESS"},
				 "displayMessage":"User login to Okta","actor":{"id":"00uLI","type":"User"}}""", 0, 1))).isNull();

		assertThat(this.registry.find("healer.detection.ignored").counters())
			.allSatisfy(c -> assertThat(c.count()).isZero());
		assertThat(this.registry.find("healer.detection.matches").counters()).isEmpty();
	}

	@Test
	void aRecordThatIsNoSystemLogEventIsUnprocessableWhetherOrNotItShowsTheError() {
		for (String poison : List.of("{not json", "[1,2,3]", "{\"eventType\":\"no uuid\"}", "{\"uuid\":\" \"}",
				"{\"uuid\":\"e1\"} trailing", "",
				"{\"uuid\":\"e1\",\"displayMessage\":\"Resource not found: 00uX (UserFactor)\"")) {
			assertThatThrownBy(() -> this.detection.apply(record(poison, 0, 1))).as(poison)
				.isInstanceOf(UnprocessableRecordException.class)
				.hasMessageStartingWith("not a System Log event");
		}
	}

	private double count(String name, String tag, String value) {
		return this.registry.get(name).tag(tag, value).counter().count();
	}

	private static Message<byte[]> record(String value, int partition, long offset) {
		return MessageBuilder.withPayload(value.getBytes(StandardCharsets.UTF_8))
			.setHeader(KafkaHeaders.RECEIVED_PARTITION, partition)
			.setHeader(KafkaHeaders.OFFSET, offset)
			.build();
	}

	private static String stuck(String uuid, String userId, String result) {
		return """
				{"uuid":"%s","published":"2026-11-28T09:12:44.123Z","eventType":"user.authentication.auth_via_mfa",
				 "outcome":{"result":"%s","reason":"Not found: Resource not found: %s (UserFactor)"},
				 "actor":{"id":"%s","type":"User"}}""".formatted(uuid, result, userId, userId);
	}

}
