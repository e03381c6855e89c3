package dev.factorhealer.operations;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.HttpTestSupport;
import dev.factorhealer.support.ServiceProcess;
import dev.factorhealer.support.StandaloneKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service started like production with {@code logging.structured.format.console=ecs}
 * writes one JSON object per line, and a remediation's line carries the user id, the
 * event uuid and the outcome as fields; {@code /actuator/info} on the management port
 * shows the build.
 */
class StructuredLogTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void remediationLinesCarryUserEventAndOutcomeAsFields() throws Exception {
		try (StandaloneKafka kafka = StandaloneKafka.start("structured-logs"); FakeOktaOrg okta = FakeOktaOrg.start()) {
			String user = okta.seedStuckUsers(1).get(0);
			String event = Deliveries.newUuid();
			Map<String, String> settings = Map.of("spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
					"okta.client.org-url", okta.url(), "okta.client.token", okta.token(),
					"okta.testing.disable-https-check", "true", "healer.hook.secrets", HttpTestSupport.SECRET,
					"healer.remediation.mode", "live", "healer.systemlog.enabled", "false",
					"logging.structured.format.console", "ecs");
			try (ServiceProcess service = ServiceProcess.start("structured-logs", settings)) {
				HttpClient http = HttpClient.newHttpClient();
				HttpResponse<String> answer = http.send(HttpRequest.newBuilder(service.url("/hooks/okta"))
					.header("Authorization", HttpTestSupport.SECRET)
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofByteArray(
							Deliveries.delivery(Deliveries.newUuid(), List.of(Deliveries.stuckSmsEvent(event, user)))))
					.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(answer.statusCode()).isEqualTo(200);

				JsonNode line = await().atMost(Duration.ofSeconds(30))
					.until(() -> remediationLine(service, user), Optional::isPresent)
					.get();
				System.out.println("SCENARIO structured log line: " + line);
				assertThat(line.path("userId").asString()).isEqualTo(user);
				assertThat(line.path("eventUuid").asString()).isEqualTo(event);
				assertThat(line.path("outcome").asString()).isEqualTo("DELETED");
				assertThat(line.path("message").asString()).startsWith("Unenrolled stuck sms factor(s)");
				assertThat(line.path("log").path("level").asString()).isEqualTo("INFO");
				assertThat(Files.readAllLines(service.log())).filteredOn((l) -> l.startsWith("{"))
					.as("JSON lines")
					.isNotEmpty()
					.noneSatisfy((l) -> assertThat(l).contains(HttpTestSupport.SECRET));

				HttpResponse<String> info = http.send(
						HttpRequest.newBuilder(service.managementUrl("/actuator/info")).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(info.statusCode()).isEqualTo(200);
				assertThat(json.readTree(info.body()).path("build").path("version").asString()).isNotBlank();
			}
		}
	}

	private static Optional<JsonNode> remediationLine(ServiceProcess service, String user) throws IOException {
		for (String line : Files.readAllLines(service.log())) {
			if (line.startsWith("{") && line.contains(user) && line.contains("\"outcome\"")) {
				JsonNode node = json.readTree(line);
				if (node.path("message").asString("").startsWith("Unenrolled")) {
					return Optional.of(node);
				}
			}
		}
		return Optional.empty();
	}

}
