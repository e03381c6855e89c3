package dev.factorhealer.hook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.HttpTestSupport;
import dev.factorhealer.support.StandaloneKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service runs against a broker process of its own, which the test kills: from then
 * on no delivery may be answered 200, and every answer must come within the publish
 * deadline; once the broker is back, deliveries are accepted again without restarting the
 * service. The context is closed after the class, while its broker is up again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "healer.hook.secrets=" + HttpTestSupport.SECRET,
				"healer.hook.publish-timeout=1500ms", "healer.systemlog.enabled=false" })
@DirtiesContext
class HookWithoutKafkaIntegrationTests extends HttpTestSupport {

	private static StandaloneKafka broker;

	@Value("${healer.hook.publish-timeout}")
	Duration deadline;

	@DynamicPropertySource
	static void privateBroker(DynamicPropertyRegistry registry) {
		registry.add("spring.kafka.bootstrap-servers", () -> {
			if (broker == null) {
				broker = StandaloneKafka.start("hook-without-kafka");
				Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
			}
			return broker.bootstrapServers();
		});
		registry.add("okta.client.org-url", () -> "http://127.0.0.1:9");
		registry.add("okta.client.token", () -> "not-used-here");
		registry.add("okta.testing.disable-https-check", () -> "true");
	}

	@Test
	void answers503WithinTheDeadlineWhileKafkaIsGoneAnd200OnceItIsBack() {
		assertThat(postHook(delivery(), SECRET).statusCode()).as("while the broker is up").isEqualTo(200);

		broker.kill();

		for (int i = 0; i < 3; i++) {
			long started = System.nanoTime();
			HttpResponse<String> response = postHook(delivery(), SECRET);
			Duration took = Duration.ofNanos(System.nanoTime() - started);

			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.body()).contains("unavailable");
			assertThat(took).as("Okta gives up after 3 s").isLessThan(Duration.ofMillis(2900));
			assertThat(took).as("the configured deadline, plus HTTP overhead")
				.isLessThan(this.deadline.plusMillis(500));
		}

		broker.restart();

		await().atMost(Duration.ofSeconds(60)).until(() -> postHook(delivery(), SECRET).statusCode() == 200);
	}

	private static byte[] delivery() {
		return Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), Deliveries.newUserId()),
						Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId())));
	}

}
