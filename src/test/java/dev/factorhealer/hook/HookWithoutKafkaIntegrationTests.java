package dev.factorhealer.hook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.HttpTestSupport;
import dev.factorhealer.support.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service runs against a broker of its own, which the test then stops: from then on no
 * delivery may be answered 200, and every answer must come within the publish deadline.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "healer.hook.secrets=" + HttpTestSupport.SECRET, "healer.hook.publish-timeout=1500ms" })
class HookWithoutKafkaIntegrationTests extends HttpTestSupport {

	private static EmbeddedKafkaKraftBroker broker;

	@Value("${healer.hook.publish-timeout}")
	Duration deadline;

	@DynamicPropertySource
	static void privateBroker(DynamicPropertyRegistry registry) {
		registry.add("spring.kafka.bootstrap-servers", () -> {
			if (broker == null) {
				broker = KafkaTestBroker.startPrivateEmbedded();
			}
			return broker.getBrokersAsString();
		});
		registry.add("okta.client.org-url", () -> "http://127.0.0.1:9");
		registry.add("okta.client.token", () -> "not-used-here");
		registry.add("okta.testing.disable-https-check", () -> "true");
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.destroy();
		}
	}

	@Test
	void answers503WithinTheDeadlineOnceKafkaIsGone() {
		byte[] before = Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), Deliveries.newUserId())));
		assertThat(postHook(before, SECRET).statusCode()).as("while the broker is up").isEqualTo(200);

		broker.destroy();
		broker = null;

		for (int i = 0; i < 3; i++) {
			byte[] body = Deliveries.delivery(Deliveries.newUuid(),
					List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), Deliveries.newUserId()),
							Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId())));
			long started = System.nanoTime();
			HttpResponse<String> response = postHook(body, SECRET);
			Duration took = Duration.ofNanos(System.nanoTime() - started);

			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.body()).contains("unavailable");
			assertThat(took).as("Okta gives up after 3 s").isLessThan(Duration.ofMillis(2900));
			assertThat(took).as("the configured deadline, plus HTTP overhead").isLessThan(this.deadline.plusMillis(500));
		}
	}

}
