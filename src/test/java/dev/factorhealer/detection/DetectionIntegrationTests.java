package dev.factorhealer.detection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DetectionIntegrationTests extends IntegrationTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	private TopicProbe requests;

	private TopicProbe eventsDlq;

	@BeforeEach
	void open() {
		this.requests = TopicProbe.open("okta.remediation.requests");
		this.eventsDlq = TopicProbe.open("okta.events.dlq");
	}

	@AfterEach
	void close() {
		this.requests.close();
		this.eventsDlq.close();
	}

	@Test
	void aStuckFactorEventBecomesOneRequestKeyedByTheUser() {
		String user = Deliveries.newUserId();
		String uuid = Deliveries.newUuid();

		postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(Deliveries.stuckSmsEvent(uuid, user),
				Deliveries.sessionStartEvent(Deliveries.newUuid(), user))), SECRET);

		JsonNode request = json.readTree(this.requests.awaitRecords(1, r -> user.equals(r.key())).get(0).value());
		assertThat(request.get("userId").asString()).isEqualTo(user);
		assertThat(request.get("factorType").asString()).isEqualTo("sms");
		assertThat(request.get("sourceEventUuid").asString()).isEqualTo(uuid);
		assertThat(request.get("reason").asString()).startsWith("user-factor-not-found: Resource not found: " + user);
		assertThat(request.get("detectedAt").asString()).isNotBlank();
	}

	/**
	 * The error in a SUCCESS and in an event of an unrelated type asks for nothing and is
	 * counted by reason; the failure that follows for the same user (same key, same
	 * partition, so read after them) is the user's only request.
	 */
	@Test
	void theErrorOutsideAnSmsFailureIsCountedAsIgnoredAndAsksForNothing() {
		String user = Deliveries.newUserId();
		String failure = Deliveries.newUuid();
		double outcomeBefore = ignored("outcome");
		double typeBefore = ignored("event_type");

		assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(
				Deliveries.eventWithTheError(Deliveries.newUuid(), user, "user.authentication.auth_via_mfa", "SUCCESS"),
				Deliveries.eventWithTheError(Deliveries.newUuid(), user, "user.account.update_profile", "FAILURE"),
				Deliveries.eventWithTheError(failure, user, "system.sms.send_factor_verify_message", "FAILURE"))),
				SECRET)
			.statusCode()).isEqualTo(200);

		this.requests.awaitRecords(1, r -> user.equals(r.key()));
		assertThat(this.requests.records(r -> user.equals(r.key())))
			.extracting(r -> json.readTree(r.value()).get("sourceEventUuid").asString())
			.containsExactly(failure);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(ignored("outcome") - outcomeBefore).isEqualTo(1);
			assertThat(ignored("event_type") - typeBefore).isEqualTo(1);
		});
	}

	@Test
	void poisonRecordsGoToTheStuckTopicAndTheConsumerKeepsGoing() {
		String poisonKey = Deliveries.newUserId();
		String user = Deliveries.newUserId();
		KafkaTemplate<String, byte[]> raw = new KafkaTemplate<>(
				new DefaultKafkaProducerFactory<>(Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()),
						new StringSerializer(), new ByteArraySerializer()));
		raw.send("okta.events", poisonKey, "{not json".getBytes(StandardCharsets.UTF_8));
		raw.send("okta.events", poisonKey, "[1,2,3]".getBytes(StandardCharsets.UTF_8));
		raw.send("okta.events", poisonKey, "{\"eventType\":\"no uuid\"}".getBytes(StandardCharsets.UTF_8));
		raw.send("okta.events", poisonKey, new byte[] { (byte) 0xC3, (byte) 0x28, 0x7B });
		raw.send("okta.events", poisonKey,
				Deliveries.stuckSmsEvent(Deliveries.newUuid(), user).getBytes(StandardCharsets.UTF_8));
		raw.flush();
		raw.destroy();

		var dead = this.eventsDlq.awaitRecords(4, r -> poisonKey.equals(r.key()));
		assertThat(dead).hasSize(4);
		assertThat(dead).allSatisfy(r -> {
			assertThat(TopicProbe.header(r, StuckRecordHeaders.REASON)).startsWith("not a System Log event");
			assertThat(TopicProbe.header(r, StuckRecordHeaders.ORIGINAL_TOPIC)).isEqualTo("okta.events");
			assertThat(TopicProbe.header(r, StuckRecordHeaders.ATTEMPTS)).as("not retried").isEqualTo("1");
		});
		assertThat(this.requests.awaitRecords(1, r -> user.equals(r.key()))).hasSize(1);
	}

	/**
	 * Records come a poll at a time; each keeps its own headers: the same event again is
	 * a duplicate, the same event replayed by an operator asks again.
	 */
	@Test
	void aReplayedEventAsksAgainWhereTheSameEventIsADuplicate() {
		String user = Deliveries.newUserId();
		byte[] event = Deliveries.stuckSmsEvent(Deliveries.newUuid(), user).getBytes(StandardCharsets.UTF_8);
		KafkaTemplate<String, byte[]> raw = new KafkaTemplate<>(
				new DefaultKafkaProducerFactory<>(Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()),
						new StringSerializer(), new ByteArraySerializer()));
		raw.send("okta.events", user, event);
		raw.send("okta.events", user, event);
		ProducerRecord<String, byte[]> replayed = new ProducerRecord<>("okta.events", user, event);
		replayed.headers().add(StuckRecordHeaders.REPLAY_COUNT, "1".getBytes(StandardCharsets.UTF_8));
		raw.send(replayed);
		raw.send("okta.events", user, event);
		raw.flush();
		raw.destroy();

		assertThat(this.requests.awaitRecords(2, r -> user.equals(r.key()))).hasSize(2);
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.requests.records(r -> user.equals(r.key())).size() == 2);
	}

	/** {@code healer_detection_ignored_total} of one reason, as Prometheus scrapes it. */
	private double ignored(String reason) {
		String body = scrapeMetrics();
		return body.lines()
			.filter(line -> line.startsWith("healer_detection_ignored_total{")
					&& line.contains("reason=\"" + reason + "\""))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

}
