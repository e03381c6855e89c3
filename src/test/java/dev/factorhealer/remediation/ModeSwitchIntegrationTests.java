package dev.factorhealer.remediation;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.factorhealer.FactorHealerApplication;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kill switch across replicas: this test's context is one replica, a second
 * application context on the same broker (its own ports, no bindings) is another. A mode
 * set on either reaches the other within seconds, stops deletions at once, and survives
 * the replica's restart.
 */
class ModeSwitchIntegrationTests extends IntegrationTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@AfterEach
	void backToTheConfiguredMode() throws Exception {
		// a tombstone: every replica goes back to healer.remediation.mode (live in the
		// tests)
		KafkaTestBroker.tombstone("okta.remediation.mode", "mode");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "live".equals(mode(this.managementPort).get("mode").asString()));
	}

	@Test
	void aModeSetOnOneReplicaReachesTheOtherWithinSecondsAndSurvivesItsRestart() {
		try (ConfigurableApplicationContext other = startReplica()) {
			int otherPort = managementPort(other);
			assertThat(mode(this.managementPort).get("mode").asString()).isEqualTo("live");
			assertThat(mode(otherPort).get("mode").asString()).isEqualTo("live");

			long started = System.nanoTime();
			HttpResponse<String> set = setMode(this.managementPort,
					"{\"mode\":\"dry-run\",\"by\":\"oncall-ana\",\"reason\":\"INC-42 deletions look wrong\"}");
			assertThat(set.statusCode()).isEqualTo(200);
			assertThat(json.readTree(set.body()).get("mode").asString()).isEqualTo("dry-run");
			await().atMost(Duration.ofSeconds(5)).until(() -> "dry-run".equals(mode(otherPort).get("mode").asString()));
			long reachedMillis = (System.nanoTime() - started) / 1_000_000;
			System.out.println(
					"SCENARIO mode switch: dry-run set on replica A reached replica B in " + reachedMillis + " ms");

			JsonNode seen = mode(otherPort);
			assertThat(seen.get("by").asString()).isEqualTo("oncall-ana");
			assertThat(seen.get("reason").asString()).isEqualTo("INC-42 deletions look wrong");
			assertThat(seen.get("at").asString()).isNotBlank();
			String metrics = send(HttpRequest.newBuilder(uri(otherPort, "/actuator/prometheus")).build()).body();
			assertThat(metrics).containsPattern("healer_remediation_mode\\{[^}]*mode=\"dry-run\"[^}]*} 1\\.0")
				.containsPattern("healer_remediation_mode\\{[^}]*mode=\"live\"[^}]*} 0\\.0")
				.containsPattern("healer_remediation_mode_changes_total\\{[^}]*mode=\"dry-run\"[^}]*} 1\\.0");

			// the worker asks the switch on every request: a stuck user is now only
			// checked
			String user = okta().seedStuckUsers(1).get(0);
			try (TopicProbe results = TopicProbe.open("okta.remediation.results")) {
				postHook(Deliveries.delivery(Deliveries.newUuid(),
						List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);
				JsonNode result = Results.awaitForUser(results, user, 1).get(0);
				assertThat(result.get("outcome").asString()).isEqualTo("DRY_RUN");
				assertThat(result.get("mode").asString()).isEqualTo("dry-run");
			}
			assertThat(okta().calls().stream().filter((c) -> c.method().equals("DELETE") && c.path().contains(user)))
				.isEmpty();
		}

		// a restarted replica configured live reads the switch back: dry-run wins over
		// its setting
		try (ConfigurableApplicationContext restarted = startReplica()) {
			int restartedPort = managementPort(restarted);
			JsonNode afterRestart = mode(restartedPort);
			assertThat(afterRestart.get("mode").asString()).isEqualTo("dry-run");
			assertThat(afterRestart.get("by").asString()).isEqualTo("oncall-ana");

			// and a mode set there reaches this replica
			assertThat(setMode(restartedPort, "{\"mode\":\"live\",\"reason\":\"INC-42 fixed\"}").statusCode())
				.isEqualTo(200);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> "live".equals(mode(this.managementPort).get("mode").asString()));
			assertThat(mode(this.managementPort).get("by").asString()).isEqualTo("admin");
		}
	}

	@Test
	void aBadModeOrNoTokenChangesNothing() {
		assertThat(setMode(this.managementPort, "{\"mode\":\"off\"}").statusCode()).isEqualTo(400);
		assertThat(setMode(this.managementPort, "not json").statusCode()).isEqualTo(400);
		HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri(this.managementPort, "/admin/mode"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"dry-run\"}"))
			.build());
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(send(HttpRequest.newBuilder(uri(this.managementPort, "/admin/mode")).build()).statusCode())
			.isEqualTo(401);
		assertThat(mode(this.managementPort).get("mode").asString()).isEqualTo("live");
	}

	private static ConfigurableApplicationContext startReplica() {
		List<String> args = new ArrayList<>(
				List.of("--spring.kafka.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
						"--okta.client.org-url=" + okta().url(), "--okta.client.token=" + okta().token(),
						"--okta.testing.disable-https-check=true", "--server.port=0", "--management.server.port=0",
						"--healer.hook.secrets=" + SECRET, "--healer.admin.token=" + ADMIN_TOKEN,
						"--healer.remediation.mode=live", "--healer.systemlog.enabled=false",
						// the switch is what is under test: this replica consumes no
						// topic of the pipeline
						"--spring.cloud.function.definition=", "--spring.cloud.stream.function.autodetect=false"));
		return new SpringApplicationBuilder(FactorHealerApplication.class).run(args.toArray(String[]::new));
	}

	private static int managementPort(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
	}

	private static URI uri(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static JsonNode mode(int port) {
		HttpResponse<String> answer = send(HttpRequest.newBuilder(uri(port, "/admin/mode"))
			.header("Authorization", "Bearer " + ADMIN_TOKEN)
			.build());
		assertThat(answer.statusCode()).isEqualTo(200);
		return json.readTree(answer.body());
	}

	private static HttpResponse<String> setMode(int port, String body) {
		return send(HttpRequest.newBuilder(uri(port, "/admin/mode"))
			.header("Authorization", "Bearer " + ADMIN_TOKEN)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

}
