package dev.factorhealer.okta;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.factorhealer.fakeokta.FakeServiceApp;
import dev.factorhealer.fakeokta.RecordedCall;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service app whose token lacks {@code okta.users.manage} (live mode): the DELETE is
 * answered 403 {@code insufficient_scope} once, never retried, and the result is FAILED
 * with a reason that names the scope.
 */
class ServiceAppMissingScopeIntegrationTests extends IntegrationTestSupport {

	private static final FakeServiceApp APP = FakeServiceApp.rsa()
		.registerWith(okta(), Set.of("okta.users.read", "okta.logs.read"), true);

	private TopicProbe results;

	@DynamicPropertySource
	static void readOnlyApp(DynamicPropertyRegistry registry) {
		APP.settings(okta(), true).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("okta.client.scopes", () -> "okta.users.read okta.logs.read");
	}

	@BeforeEach
	void open() {
		okta().recover();
		this.results = TopicProbe.open("okta.remediation.results");
	}

	@AfterEach
	void close() {
		this.results.close();
	}

	@Test
	void aDeleteWithoutTheScopeFailsOnceWithTheScopeNamed() {
		String user = okta().seedStuckUsers(1).get(0);
		String event = Deliveries.stuckSmsEvent(Deliveries.newUuid(), user);

		assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(event)), SECRET).statusCode())
			.isEqualTo(200);

		JsonNode result = Results.awaitForUser(this.results, user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("FAILED");
		assertThat(result.get("detail").asString()).contains("lacks the scope okta.users.manage").contains("HTTP 403");
		assertThat(okta().deletes()).filteredOn(call -> call.path().contains("/users/" + user + "/"))
			.extracting(RecordedCall::status)
			.containsExactly(403);
		assertThat(okta().factors(user)).extracting(factor -> factor.status()).contains("PENDING_ACTIVATION");
	}

}
