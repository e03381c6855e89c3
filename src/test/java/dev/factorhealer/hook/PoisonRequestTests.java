package dev.factorhealer.hook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records on {@code okta.remediation.requests} that are not remediation requests (written
 * by a bug, a replay tool or an attacker with topic access) go to the stuck topic at
 * once, with a reason, and never stop the worker: a valid request written after them on
 * the same partition is still remediated.
 */
class PoisonRequestTests extends IntegrationTestSupport {

	private static final String REQUESTS = "okta.remediation.requests";

	private TopicProbe stuck;

	private TopicProbe results;

	@BeforeEach
	void openProbes() {
		okta().recover();
		this.stuck = TopicProbe.open(REQUESTS + ".dlq");
		this.results = TopicProbe.open("okta.remediation.results");
	}

	@AfterEach
	void closeProbes() {
		this.stuck.close();
		this.results.close();
	}

	@Test
	void poisonRequestsAreDeadLetteredAndTheNextRequestIsStillRemediated() throws Exception {
		String run = Deliveries.newUuid();
		Map<String, byte[]> poison = new LinkedHashMap<>();
		poison.put("not-json", new byte[] { (byte) 0xFF, 0x00, 'g', 'a', 'r', 'b', 'a', 'g', 'e', (byte) 0xC0 });
		poison.put("empty", new byte[0]);
		poison.put("json-array", utf8("[1,2,3]"));
		poison.put("json-string", utf8("\"okta\""));
		poison.put("json-null", utf8("null"));
		poison.put("other-object", utf8("{\"hello\":\"world\"}"));
		poison.put("no-factor-type", utf8(request("00uNoFactorType0001", null)));
		poison.put("bad-date",
				utf8(request(Deliveries.newUserId(), "sms").replace("2026-11-28T09:00:00Z", "yesterday")));
		poison.put("path-traversal", utf8(request("../../api/v1/users/00u1a2b3c4d5e6f7g8h9", "sms")));
		poison.put("path-traversal-encoded", utf8(request("00u1%2F..%2F..%2Fapi", "sms")));
		poison.put("long-user-id", utf8(request("00u" + "a".repeat(497), "sms")));
		poison.put("blank-user-id", utf8(request("   ", "sms")));
		poison.put("newline-user-id", utf8(request("00uAbc\\nDELETE", "sms")));
		String user = Deliveries.newUserId();

		try (KafkaProducer<String, byte[]> producer = producer()) {
			for (Map.Entry<String, byte[]> entry : poison.entrySet()) {
				// one partition for all, so the valid request queues behind the poison
				producer.send(new ProducerRecord<>(REQUESTS, 0, key(run, entry.getKey()), entry.getValue()))
					.get(10, TimeUnit.SECONDS);
			}
			producer.send(new ProducerRecord<>(REQUESTS, 0, user, utf8(request(user, "sms"))))
				.get(10, TimeUnit.SECONDS);
		}

		List<JsonNode> outcomes = Results.awaitForUser(this.results, user, 1);
		assertThat(outcomes).extracting(r -> r.get("outcome").asString()).containsExactly("USER_NOT_FOUND");
		List<ConsumerRecord<String, byte[]>> dead = this.stuck.awaitRecords(poison.size(),
				r -> r.key() != null && r.key().startsWith(run));
		assertThat(dead).extracting(ConsumerRecord::key)
			.containsExactlyInAnyOrderElementsOf(poison.keySet().stream().map(name -> key(run, name)).toList());
		for (ConsumerRecord<String, byte[]> record : dead) {
			String name = record.key().substring(run.length() + 1);
			assertThat(TopicProbe.header(record, StuckRecordHeaders.REASON)).as(name)
				.startsWith("not a remediation request");
			assertThat(TopicProbe.header(record, StuckRecordHeaders.ORIGINAL_TOPIC)).as(name).isEqualTo(REQUESTS);
			assertThat(TopicProbe.header(record, StuckRecordHeaders.ATTEMPTS)).as(name).isEqualTo("1");
			assertThat(record.value()).as(name + ": the stuck record keeps the value as it was")
				.isEqualTo(poison.get(name));
		}
		assertThat(this.stuck.settle(Duration.ofMillis(500))).as("the valid request is not stuck")
			.noneMatch(r -> user.equals(r.key()));
		assertThat(Results.forUser(this.results, user)).as("remediated once").hasSize(1);
		assertThat(this.results.records()).as("no result for a poison record")
			.noneMatch(r -> r.key() != null
					&& (r.key().startsWith(run) || r.key().contains("..") || r.key().length() > 64));
	}

	private static String request(String userId, String factorType) {
		return "{\"userId\":\"" + userId + "\"," + (factorType == null ? "" : "\"factorType\":\"" + factorType + "\",")
				+ "\"sourceEventUuid\":\"" + Deliveries.newUuid()
				+ "\",\"detectedAt\":\"2026-11-28T09:00:00Z\",\"reason\":\"test\"}";
	}

	private static String key(String run, String name) {
		return run + "-" + name;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static KafkaProducer<String, byte[]> producer() {
		Properties props = new Properties();
		props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
		props.put(ProducerConfig.ACKS_CONFIG, "all");
		return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
	}

}
