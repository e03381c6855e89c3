package dev.factorhealer.hook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import dev.factorhealer.events.EventSource;
import dev.factorhealer.events.OktaEvent;
import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.events.OktaEventsProperties;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.system.RefusalLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The hook endpoint alone (no Kafka): every answer it gives, and what it hands to the
 * publisher port, here an in-memory one that remembers each batch or refuses to make it
 * durable.
 */
@WebMvcTest(OktaHookController.class)
@Import({ HookConfiguration.class, OktaHookControllerTests.Slice.class })
@TestPropertySource(
		properties = { "healer.hook.secrets=" + OktaHookControllerTests.SECRET, "healer.hook.max-body-size=4KB" })
class OktaHookControllerTests {

	static final String SECRET = "slice-Vq4mT8zR2xK6pW9sN3bJ7dF5hL1c";

	@Autowired
	private MockMvc mvc;

	@Autowired
	private InMemoryPublisher publisher;

	@Autowired
	private MeterRegistry meters;

	@BeforeEach
	void reset() {
		this.publisher.batches.clear();
		this.publisher.refuse = false;
	}

	@Test
	void echoesTheVerificationChallenge() throws Exception {
		this.mvc.perform(get("/hooks/okta").header(OktaHookController.CHALLENGE_HEADER, "cHaLlEnGe42"))
			.andExpect(status().isOk())
			.andExpect(content().json("{\"verification\":\"cHaLlEnGe42\"}", true));
	}

	@Test
	void handsEveryEventOfADeliveryToThePublisherAndAnswers200() throws Exception {
		String uuid = Deliveries.newUuid();
		String user = Deliveries.newUserId();
		String event = Deliveries.stuckSmsEvent(uuid, user);
		double accepted = requests("accepted");

		this.mvc
			.perform(post("/hooks/okta").header("Authorization", SECRET)
				.contentType(MediaType.APPLICATION_JSON)
				.content(Deliveries.delivery("delivery-1", List.of(event))))
			.andExpect(status().isOk());

		assertThat(this.publisher.batches).singleElement().satisfies((batch) -> {
			assertThat(batch.deliveryId()).isEqualTo("delivery-1");
			assertThat(batch.source()).isEqualTo(EventSource.HOOK);
			assertThat(batch.events()).singleElement().satisfies((published) -> {
				assertThat(published.uuid()).isEqualTo(uuid);
				assertThat(published.key()).isEqualTo(user);
				assertThat(new String(published.json(), StandardCharsets.UTF_8)).isEqualTo(event);
			});
		});
		assertThat(requests("accepted")).isEqualTo(accepted + 1);
		assertThat(this.meters.get("healer.hook.events").counter().count()).isPositive();
	}

	@Test
	void answers401ToAWrongSecretAndPublishesNothing() throws Exception {
		this.mvc
			.perform(post("/hooks/okta").header("Authorization", SECRET + "x")
				.contentType(MediaType.APPLICATION_JSON)
				.content(Deliveries.delivery("d", List.of(Deliveries.sessionStartEvent("u", "00uX")))))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.error").value("unauthorized"));

		assertThat(this.publisher.batches).isEmpty();
	}

	@Test
	void answers415ToABodyThatIsNotJson() throws Exception {
		this.mvc
			.perform(post("/hooks/okta").header("Authorization", SECRET)
				.contentType(MediaType.TEXT_PLAIN)
				.content("{\"data\":{\"events\":[]}}"))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(jsonPath("$.error").value("unsupported_media"));

		assertThat(this.publisher.batches).isEmpty();
	}

	@Test
	void answers413ToADeliveryOverTheLimit() throws Exception {
		String big = Deliveries.stuckSmsEvent("u-big", "00uBig").replace("Test User", "x".repeat(5000));

		this.mvc
			.perform(post("/hooks/okta").header("Authorization", SECRET)
				.contentType(MediaType.APPLICATION_JSON)
				.content(Deliveries.delivery("d", List.of(big))))
			.andExpect(status().isContentTooLarge())
			.andExpect(jsonPath("$.error").value("too_large"));

		assertThat(this.publisher.batches).isEmpty();
	}

	@Test
	void answers400ToABodyThatIsNotADelivery() throws Exception {
		this.mvc
			.perform(post("/hooks/okta").header("Authorization", SECRET)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"data\":{\"events\":[{\"uuid\":\"u1\"}]}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid"))
			.andExpect(jsonPath("$.message").value("data.events[0].eventType must be a non-empty string"));

		assertThat(this.publisher.batches).isEmpty();
	}

	@Test
	void answers503WhenTheEventsAreNotMadeDurable() throws Exception {
		this.publisher.refuse = true;

		this.mvc
			.perform(post("/hooks/okta").header("Authorization", SECRET)
				.contentType(MediaType.APPLICATION_JSON)
				.content(Deliveries.delivery("d", List.of(Deliveries.sessionStartEvent("u", "00uX")))))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.error").value("unavailable"));
	}

	private double requests(String outcome) {
		return this.meters.get("healer.hook.requests").tag("outcome", outcome).counter().count();
	}

	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ HookProperties.class, OktaEventsProperties.class })
	static class Slice {

		@Bean
		InMemoryPublisher publisher() {
			return new InMemoryPublisher();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		RefusalLog refusalLog() {
			return new RefusalLog(Duration.ofMinutes(1), Clock.systemUTC());
		}

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
