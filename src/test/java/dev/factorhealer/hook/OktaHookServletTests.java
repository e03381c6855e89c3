package dev.factorhealer.hook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import dev.factorhealer.events.EventSource;
import dev.factorhealer.events.OktaEvent;
import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.system.RefusalLog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hook endpoint alone (no Kafka, no server): every answer it gives, and what it hands
 * to the publisher port, here an in-memory one that remembers each batch or refuses to
 * make it durable.
 */
class OktaHookServletTests {

	static final String SECRET = "slice-Vq4mT8zR2xK6pW9sN3bJ7dF5hL1c";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final InMemoryPublisher publisher = new InMemoryPublisher();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final OktaHookServlet servlet = new OktaHookServlet(
			new HookProperties(List.of(SECRET), "Authorization", DataSize.ofKilobytes(4)), Duration.ofSeconds(1),
			new HookSecrets(List.of(SECRET)), this.publisher, json, new HookMetrics(this.meters),
			new RefusalLog(Duration.ofMinutes(1), Clock.systemUTC()));

	@Test
	void echoesTheVerificationChallenge() throws Exception {
		MockHttpServletRequest request = request("GET");
		request.addHeader(OktaHookServlet.CHALLENGE_HEADER, "cHaLlEnGe42");

		MockHttpServletResponse response = answer(request);

		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentType()).isEqualTo(MediaType.APPLICATION_JSON_VALUE);
		assertThat(response.getContentAsString()).isEqualTo("{\"verification\":\"cHaLlEnGe42\"}");
	}

	@Test
	void answers400ToAVerificationWithoutChallenge() throws Exception {
		MockHttpServletResponse response = answer(request("GET"));

		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(body(response).path("error").asString()).isEqualTo("invalid");
	}

	@Test
	void handsEveryEventOfADeliveryToThePublisherAndAnswers200() throws Exception {
		String uuid = Deliveries.newUuid();
		String user = Deliveries.newUserId();
		String event = Deliveries.stuckSmsEvent(uuid, user);

		MockHttpServletResponse response = answer(
				post(SECRET, MediaType.APPLICATION_JSON_VALUE, Deliveries.delivery("delivery-1", List.of(event))));

		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentLength()).isZero();
		assertThat(this.publisher.batches).singleElement().satisfies((batch) -> {
			assertThat(batch.deliveryId()).isEqualTo("delivery-1");
			assertThat(batch.source()).isEqualTo(EventSource.HOOK);
			assertThat(batch.events()).singleElement().satisfies((published) -> {
				assertThat(published.uuid()).isEqualTo(uuid);
				assertThat(published.key()).isEqualTo(user);
				assertThat(new String(published.json(), StandardCharsets.UTF_8)).isEqualTo(event);
			});
		});
		assertThat(requests("accepted")).isEqualTo(1);
		assertThat(this.meters.get("healer.hook.events").counter().count()).isPositive();
	}

	@Test
	void answers401ToAWrongSecretAndPublishesNothing() throws Exception {
		MockHttpServletResponse response = answer(post(SECRET + "x", MediaType.APPLICATION_JSON_VALUE,
				Deliveries.delivery("d", List.of(Deliveries.sessionStartEvent("u", "00uX")))));

		assertThat(response.getStatus()).isEqualTo(401);
		assertThat(body(response).path("error").asString()).isEqualTo("unauthorized");
		assertThat(this.publisher.batches).isEmpty();
		assertThat(requests("unauthorized")).isEqualTo(1);
	}

	@Test
	void answers415ToABodyThatIsNotJson() throws Exception {
		MockHttpServletResponse response = answer(
				post(SECRET, MediaType.TEXT_PLAIN_VALUE, "{\"data\":{\"events\":[]}}"));

		assertThat(response.getStatus()).isEqualTo(415);
		assertThat(body(response).path("error").asString()).isEqualTo("unsupported_media");
		assertThat(this.publisher.batches).isEmpty();
	}

	@Test
	void answers413ToADeliveryOverTheLimit() throws Exception {
		String big = Deliveries.stuckSmsEvent("u-big", "00uBig").replace("Test User", "x".repeat(5000));

		MockHttpServletResponse response = answer(
				post(SECRET, MediaType.APPLICATION_JSON_VALUE, Deliveries.delivery("d", List.of(big))));

		assertThat(response.getStatus()).isEqualTo(413);
		assertThat(body(response).path("error").asString()).isEqualTo("too_large");
		assertThat(this.publisher.batches).isEmpty();
	}

	@Test
	void answers400ToABodyThatIsNotADelivery() throws Exception {
		MockHttpServletResponse response = answer(
				post(SECRET, MediaType.APPLICATION_JSON_VALUE, "{\"data\":{\"events\":[{\"uuid\":\"u1\"}]}}"));

		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(body(response).path("error").asString()).isEqualTo("invalid");
		assertThat(body(response).path("message").asString())
			.isEqualTo("data.events[0].eventType must be a non-empty string");
		assertThat(this.publisher.batches).isEmpty();
	}

	@Test
	void answers503WhenTheEventsAreNotMadeDurable() throws Exception {
		this.publisher.refuse = true;

		MockHttpServletResponse response = answer(post(SECRET, MediaType.APPLICATION_JSON_VALUE,
				Deliveries.delivery("d", List.of(Deliveries.sessionStartEvent("u", "00uX")))));

		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(body(response).path("error").asString()).isEqualTo("unavailable");
	}

	@Test
	void answers405ToOtherMethods() throws Exception {
		assertThat(answer(request("PUT")).getStatus()).isEqualTo(405);
		assertThat(answer(request("DELETE")).getStatus()).isEqualTo(405);
		assertThat(this.publisher.batches).isEmpty();
	}

	private MockHttpServletResponse answer(MockHttpServletRequest request) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.servlet.service(request, response);
		return response;
	}

	private static MockHttpServletRequest request(String method) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, OktaHookServlet.PATH);
		request.setProtocol("HTTP/1.1");
		return request;
	}

	private static MockHttpServletRequest post(String secret, String contentType, String body) {
		return post(secret, contentType, body.getBytes(StandardCharsets.UTF_8));
	}

	private static MockHttpServletRequest post(String secret, String contentType, byte[] body) {
		MockHttpServletRequest request = request("POST");
		request.addHeader("Authorization", secret);
		request.setContentType(contentType);
		request.setContent(body);
		return request;
	}

	private static JsonNode body(MockHttpServletResponse response) throws Exception {
		return json.readTree(response.getContentAsByteArray());
	}

	private double requests(String outcome) {
		return this.meters.get("healer.hook.requests").tag("outcome", outcome).counter().count();
	}

	/**
	 * The publisher port in memory: remembers every batch, or refuses all when told to.
	 */
	static final class InMemoryPublisher implements OktaEventPublisher {

		final List<Batch> batches = new CopyOnWriteArrayList<>();

		volatile boolean refuse;

		@Override
		public void publish(String deliveryId, EventSource source, List<OktaEvent> events, Duration deadline)
				throws EventsNotDurableException {
			if (this.refuse) {
				throw new EventsNotDurableException("refused by the test", null);
			}
			this.batches.add(new Batch(deliveryId, source, List.copyOf(events)));
		}

		record Batch(String deliveryId, EventSource source, List<OktaEvent> events) {
		}

	}

}
