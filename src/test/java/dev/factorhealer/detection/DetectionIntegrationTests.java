package dev.factorhealer.detection;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

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

	@Test
	void poisonRecordsGoToTheStuckTopicAndTheConsumerKeepsGoing() {
		String poisonKey = Deliveries.newUserId();
		String user = Deliveries.newUserId();
		KafkaTemplate<String, byte[]> raw = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
				Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()), new StringSerializer(),
				new ByteArraySerializer()));
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

}
