package dev.factorhealer.hook;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.events.OktaEventHeaders;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;

class OktaHookIntegrationTests extends IntegrationTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	private TopicProbe events;

	@BeforeEach
	void openProbe() {
		this.events = TopicProbe.open("okta.events");
	}

	@AfterEach
	void closeProbe() {
		this.events.close();
	}

	@Test
	void echoesTheVerificationChallenge() {
		HttpResponse<String> response = send(HttpRequest.newBuilder(url("/hooks/okta"))
			.header("x-okta-verification-challenge", "rAndOmChAlLeNgE123")
			.GET()
			.build());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()))
			.isEqualTo(json.readTree("{\"verification\":\"rAndOmChAlLeNgE123\"}"));
	}

	@Test
	void answers400ToAVerificationWithoutChallenge() {
		HttpResponse<String> response = send(HttpRequest.newBuilder(url("/hooks/okta")).GET().build());

		assertThat(response.statusCode()).isEqualTo(400);
	}

	@Test
	void publishesEveryEventOfTheSampleDeliveryAsReceived() {
		byte[] body = sampleDelivery();

		HttpResponse<String> response = postHook(body, SECRET);

		assertThat(response.statusCode()).isEqualTo(200);
		List<ConsumerRecord<String, byte[]>> records = this.events.awaitRecords(2,
				r -> "b5a188b9-5ece-4636-b041-482ffda96311".equals(TopicProbe.header(r, OktaEventHeaders.DELIVERY_ID)));
		JsonNode sent = json.readTree(body).get("data").get("events");
		assertThat(records).hasSize(2);
		ConsumerRecord<String, byte[]> stuck = byUuid(records, "5a0d2b1e-8c1d-11ef-9a3a-0b9c6f1e2d4a");
		ConsumerRecord<String, byte[]> login = byUuid(records, "5a0d2b1f-8c1d-11ef-9a3a-0b9c6f1e2d4b");
		assertThat(json.readTree(stuck.value())).isEqualTo(sent.get(0));
		assertThat(json.readTree(login.value())).isEqualTo(sent.get(1));
		assertThat(stuck.key()).as("key is the target User").isEqualTo("00u1a2b3c4d5e6f7g8h9");
		assertThat(login.key()).as("no User target: key is the User actor").isEqualTo("00u9z8y7x6w5v4u3t2s1");
		assertThat(TopicProbe.header(stuck, OktaEventHeaders.EVENT_TYPE)).isEqualTo("user.authentication.auth_via_mfa");
		assertThat(TopicProbe.header(login, OktaEventHeaders.EVENT_TYPE)).isEqualTo("user.session.start");
		assertThat(TopicProbe.header(stuck, OktaEventHeaders.SOURCE)).isEqualTo("hook");
	}

	@Test
	void publishesExactlyNRecordsWithKeysAndHeadersAndUnchangedJson() {
		String deliveryId = Deliveries.newUuid();
		List<String> sent = new ArrayList<>();
		List<String> users = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			String user = Deliveries.newUserId();
			users.add(user);
			sent.add(i % 2 == 0 ? Deliveries.stuckSmsEvent(Deliveries.newUuid(), user)
					: Deliveries.sessionStartEvent(Deliveries.newUuid(), user));
		}
		// an event about no user at all is keyed by its uuid
		String anonymous = Deliveries.newUuid();
		sent.add("{\"uuid\":\"" + anonymous
				+ "\",\"eventType\":\"system.org.rate_limit.warning\",\"actor\":{\"id\":\"0oa1\",\"type\":\"PublicClientApp\"}}");

		HttpResponse<String> response = postHook(Deliveries.delivery(deliveryId, sent), ROTATED_SECRET);

		assertThat(response.statusCode()).isEqualTo(200);
		this.events.awaitRecords(sent.size(),
				r -> deliveryId.equals(TopicProbe.header(r, OktaEventHeaders.DELIVERY_ID)));
		List<ConsumerRecord<String, byte[]>> records = this.events.settle(Duration.ofMillis(500))
			.stream()
			.filter(r -> deliveryId.equals(TopicProbe.header(r, OktaEventHeaders.DELIVERY_ID)))
			.toList();
		assertThat(records).hasSize(sent.size());
		for (int i = 0; i < sent.size(); i++) {
			JsonNode event = json.readTree(sent.get(i));
			ConsumerRecord<String, byte[]> record = byUuid(records, event.get("uuid").asString());
			assertThat(json.readTree(record.value())).isEqualTo(event);
			assertThat(record.key()).isEqualTo(i < users.size() ? users.get(i) : anonymous);
			assertThat(TopicProbe.header(record, OktaEventHeaders.SOURCE)).isEqualTo("hook");
		}
	}

	@Test
	void refusesAMissingOrWrongSecretAndPublishesNothing() {
		String deliveryId = Deliveries.newUuid();
		byte[] body = Deliveries.delivery(deliveryId,
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), Deliveries.newUserId())));

		HttpResponse<String> missing = postHook(body, null);
		HttpResponse<String> wrong = postHook(body, SECRET.substring(0, SECRET.length() - 1) + "#");
		HttpResponse<String> prefix = postHook(body, SECRET.substring(0, 10));

		assertThat(List.of(missing.statusCode(), wrong.statusCode(), prefix.statusCode())).containsOnly(401);
		assertThat(wrong.body()).contains("unauthorized")
			.doesNotContain(SECRET)
			.doesNotContain(SECRET.substring(0, SECRET.length() - 1));
		assertNothingPublishedFor(deliveryId);
	}

	@Test
	void acceptsEitherOfTwoRotatedSecrets() {
		byte[] first = Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId())));
		byte[] second = Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId())));

		assertThat(postHook(first, SECRET).statusCode()).isEqualTo(200);
		assertThat(postHook(second, ROTATED_SECRET).statusCode()).isEqualTo(200);
	}

	@Test
	void answers400ForBodiesThatAreNotDeliveriesAndPublishesNothing() {
		String deliveryId = Deliveries.newUuid();
		String good = Deliveries.stuckSmsEvent(Deliveries.newUuid(), Deliveries.newUserId());
		List<String> bodies = List.of("not json", "[]", "{}", "{\"data\":{}}", "{\"data\":{\"events\":{}}}",
				"{\"eventId\":\"" + deliveryId + "\",\"data\":{\"events\":[" + good + ",42]}}",
				"{\"eventId\":\"" + deliveryId + "\",\"data\":{\"events\":[" + good + ",{\"eventType\":\"x\"}]}}",
				"{\"eventId\":\"" + deliveryId + "\",\"data\":{\"events\":[" + good + ",{\"uuid\":\"u\"}]}}",
				"{\"eventId\":\"" + deliveryId + "\",\"data\":{\"events\":[" + good
						+ ",{\"uuid\":7,\"eventType\":\"x\"}]}}",
				"{\"eventId\":\"" + deliveryId + "\",\"data\":{\"events\":[" + good + "]}} trailing",
				"{\"eventId\":\"" + deliveryId + "\",\"data\":{\"events\":[" + good + "]");

		for (String body : bodies) {
			HttpResponse<String> response = postHook(body.getBytes(StandardCharsets.UTF_8), SECRET);
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(json.readTree(response.body()).get("message").asString()).as(body).isNotBlank();
		}
		assertNothingPublishedFor(deliveryId);
	}

	@Test
	void answers415ForAnythingButJson() {
		String deliveryId = Deliveries.newUuid();
		byte[] body = Deliveries.delivery(deliveryId,
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), Deliveries.newUserId())));

		for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml")) {
			HttpResponse<String> response = send(HttpRequest.newBuilder(url("/hooks/okta"))
				.header("Content-Type", type)
				.header("Authorization", SECRET)
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build());
			assertThat(response.statusCode()).as(type).isEqualTo(415);
		}
		assertNothingPublishedFor(deliveryId);
	}

	@Test
	void answers413ForADeliveryOverTheSizeLimit() {
		String deliveryId = Deliveries.newUuid();
		String big = "{\"uuid\":\"" + Deliveries.newUuid() + "\",\"eventType\":\"x\",\"displayMessage\":\""
				+ "a".repeat(2 * 1024 * 1024) + "\"}";

		HttpResponse<String> response = postHook(Deliveries.delivery(deliveryId, List.of(big)), SECRET);

		assertThat(response.statusCode()).isEqualTo(413);
		assertNothingPublishedFor(deliveryId);
	}

	@Test
	void acceptsADeliveryJustUnderTheSizeLimit() {
		String deliveryId = Deliveries.newUuid();
		String event = "{\"uuid\":\"" + Deliveries.newUuid() + "\",\"eventType\":\"x\",\"displayMessage\":\""
				+ "a".repeat(900 * 1024) + "\"}";

		HttpResponse<String> response = postHook(Deliveries.delivery(deliveryId, List.of(event)), SECRET);

		assertThat(response.statusCode()).isEqualTo(200);
	}

	private void assertNothingPublishedFor(String deliveryId) {
		assertThat(this.events.settle(Duration.ofMillis(500)))
			.noneMatch(r -> deliveryId.equals(TopicProbe.header(r, OktaEventHeaders.DELIVERY_ID)));
	}

	private static ConsumerRecord<String, byte[]> byUuid(List<ConsumerRecord<String, byte[]>> records, String uuid) {
		return records.stream()
			.filter(r -> uuid.equals(TopicProbe.header(r, OktaEventHeaders.EVENT_UUID)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no record for event " + uuid));
	}

}
