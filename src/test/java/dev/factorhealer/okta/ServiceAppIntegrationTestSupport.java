package dev.factorhealer.okta;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.TestPropertySource;

import dev.factorhealer.fakeokta.FakeServiceApp;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole service as an OAuth 2.0 service app against the fake org's authorization
 * server and the shared real broker: a hook delivery and a System Log event each heal a
 * stuck user. The context's own System Log poller runs here (a cursor topic and lease
 * group of its own, a short look-back so that older events of the shared fake log are not
 * read).
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "healer.systemlog.enabled=true", "healer.systemlog.interval=500ms",
		"healer.systemlog.look-back=5s" })
abstract class ServiceAppIntegrationTestSupport extends IntegrationTestSupport {

	private TopicProbe results;

	/** The app this context authenticates as. */
	abstract FakeServiceApp app();

	/** {@code DPoP} or {@code Bearer}: how the fake saw the calls authorized. */
	abstract String scheme();

	static void serviceApp(DynamicPropertyRegistry registry, FakeServiceApp app, boolean dpop) {
		app.settings(okta(), dpop).forEach((name, value) -> registry.add(name, () -> value));
		String suffix = UUID.randomUUID().toString();
		registry.add("healer.topics.names.systemlog-cursor", () -> "okta.systemlog.cursor." + suffix);
		registry.add("healer.systemlog.lease-group", () -> "healer-systemlog-lease-" + suffix);
	}

	@BeforeEach
	void open() {
		okta().recover();
		this.results = TopicProbe.open("okta.remediation.results");
	}

	@AfterEach
	void close(CapturedOutput output) {
		this.results.close();
		assertThat(output.getAll()).doesNotContain(app().keyMaterial())
			.doesNotContain("eyJ")
			.doesNotContain("fake-at.");
		for (String token : okta().authorizationServer().issuedTokenValues()) {
			assertThat(output.getAll()).doesNotContain(token);
		}
	}

	@Test
	void aHookDeliveryHealsAStuckUser() {
		String user = okta().seedStuckUsers(1).get(0);
		String event = Deliveries.stuckSmsEvent(Deliveries.newUuid(), user);
		int accepted = okta().authorizationServer().acceptedCalls().getOrDefault(scheme(), 0);

		assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(event)), SECRET).statusCode())
			.isEqualTo(200);

		JsonNode result = Results.awaitForUser(this.results, user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("DELETED");
		assertThat(okta().deletes()).filteredOn(call -> call.path().contains("/users/" + user + "/"))
			.singleElement()
			.satisfies(call -> assertThat(call.status()).isEqualTo(204));
		// list and delete, both authorized by the service app's token
		assertThat(okta().authorizationServer().acceptedCalls().get(scheme())).isGreaterThanOrEqualTo(accepted + 2);
	}

	@Test
	void aStuckUserSeenOnlyInTheSystemLogIsHealed() {
		String user = okta().seedStuckUsers(1).get(0);
		String uuid = okta().appendStuckSmsEvent(user);

		JsonNode result = Results.awaitForUser(this.results, user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("DELETED");
		assertThat(result.get("sourceEventUuid").asString()).isEqualTo(uuid);
		assertThat(okta().calls()).filteredOn(call -> call.path().equals("/api/v1/logs"))
			.isNotEmpty()
			.allSatisfy(call -> assertThat(call.authorizationValid()).isTrue());
	}

}
