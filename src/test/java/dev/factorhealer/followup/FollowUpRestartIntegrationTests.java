package dev.factorhealer.followup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.factorhealer.FactorHealerApplication;
import dev.factorhealer.remediation.RemediationBrake;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.HttpTestSupport;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static dev.factorhealer.followup.FollowUpFixtures.activationEvent;
import static dev.factorhealer.followup.FollowUpFixtures.oktaTime;
import static dev.factorhealer.followup.FollowUpFixtures.stuckEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follow-up outlives the service: the user is healed by one instance, which is then closed; a
 * new instance on the same broker reads the open follow-up back from the state topic and ends it
 * when the user enrolls SMS again. The brake, engaged before the restart, is still engaged after.
 * Its follow-up and brake topics and group are this test's own.
 */
class FollowUpRestartIntegrationTests extends HttpTestSupport {

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final String followUpsTopic = "okta.remediation.followups.restart-" + this.suffix;

	private ConfigurableApplicationContext service;

	@AfterEach
	void stop() {
		if (this.service != null) {
			this.service.close();
		}
	}

	@Test
	void anOpenFollowUpAndTheBrakeSurviveARestart() {
		String user = IntegrationTestSupport.okta().seedStuckUsers(1).get(0);
		Instant failedAt = oktaTime(Instant.now().minusSeconds(90));
		start();
		try (TopicProbe results = TopicProbe.open("okta.remediation.results")) {
			postHook(Deliveries.delivery(Deliveries.newUuid(),
					List.of(stuckEvent(Deliveries.newUuid(), user, failedAt))), SECRET);
			assertThat(Results.awaitForUser(results, user, 1).get(0).get("outcome").asString()).isEqualTo("DELETED");
			MeterRegistry meters = this.service.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> meters.get("healer.followup.open").gauge().value() >= 1);
		}
		// the brake is engaged now; it must still be engaged after the restart
		this.service.getBean(RemediationBrake.class).engage("test", "restart check");
		this.service.close();

		start();
		assertThat(this.service.getBean(RemediationBrake.class).isEngaged()).as("the brake survives a restart").isTrue();
		try (TopicProbe followUps = TopicProbe.open(this.followUpsTopic)) {
			Instant activatedAt = oktaTime(Instant.now());
			postHook(Deliveries.delivery(Deliveries.newUuid(),
					List.of(activationEvent(Deliveries.newUuid(), user, "sms", activatedAt))), SECRET);

			JsonNode followUp = Results.tree(followUps.awaitRecords(1, r -> user.equals(r.key())).get(0));
			assertThat(followUp.get("outcome").asString()).isEqualTo("REENROLLED");
			assertThat(followUp.get("timeToWorkingSmsSeconds").asDouble())
				.isEqualTo(Duration.between(failedAt, activatedAt).toMillis() / 1000.0);
		}
	}

	private void start() {
		// command-line arguments: they win over ./config/application.yml
		this.service = new SpringApplicationBuilder(FactorHealerApplication.class).run(Stream.of("server.port=0",
				"spring.kafka.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
				"okta.client.org-url=" + IntegrationTestSupport.okta().url(),
				"okta.client.token=" + IntegrationTestSupport.okta().token(), "okta.testing.disable-https-check=true",
				"healer.hook.secrets=" + SECRET, "healer.remediation.mode=live",
				"healer.remediation.pause-after-delete=100ms", "healer.okta.requests-per-minute=600",
				"healer.systemlog.enabled=false", "healer.followup.window=5m",
				"healer.followup.followups-topic=" + this.followUpsTopic,
				"healer.followup.state-topic=okta.remediation.followup.state.restart-" + this.suffix,
				"healer.followup.group=healer-followup-restart-" + this.suffix,
				"healer.remediation.brake-topic=okta.remediation.brake.restart-" + this.suffix)
			.map(setting -> "--" + setting)
			.toArray(String[]::new));
		this.port = Integer.parseInt(this.service.getEnvironment().getProperty("local.server.port"));
	}

}
