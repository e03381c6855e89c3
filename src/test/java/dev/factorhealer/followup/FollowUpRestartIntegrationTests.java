package dev.factorhealer.followup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Follow-ups outlive the instance that opened them and move with their partitions: users
 * are healed by one instance; a second one joins (it reads the state of the partitions it
 * is given) and then the first is closed (the second reads the rest). Every user who
 * enrolls SMS again ends REENROLLED exactly once, whichever instance sees the event. The
 * brake, engaged on the first, is read by the second at its start. The follow-up and
 * brake topics and group are this test's own.
 */
class FollowUpRestartIntegrationTests extends HttpTestSupport {

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final String followUpsTopic = "okta.remediation.followups.restart-" + this.suffix;

	private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

	@AfterEach
	void stop() {
		this.replicas.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void openFollowUpsAndTheBrakeSurviveARestartAndMoveBetweenReplicas() {
		List<String> users = IntegrationTestSupport.okta().seedStuckUsers(6);
		Instant failedAt = oktaTime(Instant.now().minusSeconds(90));
		ConfigurableApplicationContext first = start();
		try (TopicProbe results = TopicProbe.open("okta.remediation.results")) {
			postHook(Deliveries.delivery(Deliveries.newUuid(),
					users.stream().map(u -> stuckEvent(Deliveries.newUuid(), u, failedAt)).toList()), SECRET);
			users.forEach(u -> assertThat(Results.awaitForUser(results, u, 1).get(0).get("outcome").asString())
				.isEqualTo("DELETED"));
			MeterRegistry meters = first.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> meters.get("healer.followup.open").gauge().value() >= 6);
		}
		first.getBean(RemediationBrake.class).engage("test", "restart check");

		// a second replica joins: it reads the brake and the state of the partitions it
		// is given
		ConfigurableApplicationContext second = start();
		assertThat(second.getBean(RemediationBrake.class).isEngaged()).as("the brake reaches a new replica").isTrue();
		// together they hold every open follow-up, these six and any that earlier test
		// classes left on the
		// shared results topic (how the users fall on the two replicas' partitions is up
		// to their ids; the
		// move of all of them is shown below, when the first replica stops)
		await().atMost(Duration.ofSeconds(60)).until(() -> open(first) + open(second) >= 6);
		try (TopicProbe followUps = TopicProbe.open(this.followUpsTopic)) {
			Map<String, Instant> activatedAt = new HashMap<>();
			for (String user : users.subList(0, 3)) {
				activatedAt.put(user, oktaTime(Instant.now()));
				postHook(
						Deliveries.delivery(Deliveries.newUuid(),
								List.of(activationEvent(Deliveries.newUuid(), user, "sms", activatedAt.get(user)))),
						SECRET);
			}
			followUps.awaitRecords(3, r -> users.contains(r.key()));

			// the first replica stops: the second takes over every partition and reads
			// its state
			first.close();
			use(second);
			for (String user : users.subList(3, 6)) {
				activatedAt.put(user, oktaTime(Instant.now()));
				postHook(
						Deliveries.delivery(Deliveries.newUuid(),
								List.of(activationEvent(Deliveries.newUuid(), user, "sms", activatedAt.get(user)))),
						SECRET);
			}

			followUps.awaitRecords(6, r -> users.contains(r.key()));
			assertThat(followUps.settle(Duration.ofSeconds(1))).filteredOn(r -> users.contains(r.key())).hasSize(6);
			for (String user : users) {
				JsonNode followUp = Results.tree(followUps.records(r -> user.equals(r.key())).get(0));
				assertThat(followUp.get("outcome").asString()).as(user).isEqualTo("REENROLLED");
				assertThat(followUp.get("timeToWorkingSmsSeconds").asDouble()).as(user)
					.isEqualTo(Duration.between(failedAt, activatedAt.get(user)).toMillis() / 1000.0);
			}
		}
		assertThat(second.getBean(RemediationBrake.class).isEngaged()).isTrue();
	}

	private static double open(ConfigurableApplicationContext replica) {
		return replica.getBean(MeterRegistry.class).get("healer.followup.open").gauge().value();
	}

	private void use(ConfigurableApplicationContext replica) {
		this.port = Integer.parseInt(replica.getEnvironment().getProperty("local.server.port"));
	}

	private ConfigurableApplicationContext start() {
		// command-line arguments: they win over ./config/application.yml
		ConfigurableApplicationContext replica = new SpringApplicationBuilder(
				FactorHealerApplication.class)
			.run(Stream
				.of("server.port=0", "management.server.port=0", "healer.remediation.max-deletions-per-hour=100000",
						"spring.kafka.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
						"okta.client.org-url=" + IntegrationTestSupport.okta().url(),
						"okta.client.token=" + IntegrationTestSupport.okta().token(),
						"okta.testing.disable-https-check=true", "healer.hook.secrets=" + SECRET,
						"healer.remediation.mode=live", "healer.remediation.pause-after-delete=100ms",
						"healer.okta.requests-per-minute=600", "healer.systemlog.enabled=false",
						"healer.followup.window=5m", "healer.topics.names.followups=" + this.followUpsTopic,
						"healer.topics.names.followup-state=okta.remediation.followup.state.restart-" + this.suffix,
						"healer.followup.group=healer-followup-restart-" + this.suffix,
						"healer.topics.names.brake=okta.remediation.brake.restart-" + this.suffix)
				.map(setting -> "--" + setting)
				.toArray(String[]::new));
		this.replicas.add(replica);
		use(replica);
		return replica;
	}

}
