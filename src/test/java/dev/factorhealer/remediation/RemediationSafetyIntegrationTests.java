package dev.factorhealer.remediation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import dev.factorhealer.fakeokta.RecordedCall;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The races of a DELETE, end to end on a real broker against the fake org: a factor that
 * turns ACTIVE while the DELETE fails, a pending factor younger than the failure, a
 * rate-limit reset that can't be trusted, a results topic that refuses the result of a
 * confirmed DELETE.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "healer.okta.max-reset-wait=3s")
class RemediationSafetyIntegrationTests extends IntegrationTestSupport {

	private TopicProbe results;

	@BeforeEach
	void open() {
		okta().recover();
		this.results = TopicProbe.open("okta.remediation.results");
	}

	@AfterEach
	void close() {
		okta().recover();
		this.results.close();
	}

	@Test
	void aFactorThatTurnsActiveWhileItsDeleteFailsIsNeverDeleted() {
		String user = okta().seedStuckUsers(1).get(0);
		String factor = pendingSms(user);
		okta().activateDuringFailedDelete(1, 503);

		deliverStuck(user, Deliveries.newUuid());

		JsonNode result = Results.awaitForUser(this.results, user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("NOT_PENDING");
		assertThat(result.get("detail").asString()).contains(factor).contains("ACTIVE");
		assertThat(okta().factorStatus(user, factor)).contains("ACTIVE");
		// the one DELETE answered 503; the retry read the factor again and stopped
		assertThat(deletesOf(user)).extracting(RecordedCall::status).containsExactly(503);
		assertThat(callsOf(user)).extracting(RecordedCall::method).containsSubsequence("GET", "DELETE", "GET");
	}

	@Test
	void anOldEventDoesNotDeleteAPendingFactorCreatedAfterIt() {
		String user = okta().seedStuckUsers(1).get(0);
		String factor = pendingSms(user);
		// the user started a new enrollment after the failure that the (replayed, late)
		// event reports
		okta().setFactorCreated(user, factor, Instant.parse("2026-11-28T10:00:00Z"));

		deliverStuck(user, Deliveries.newUuid());

		JsonNode result = Results.awaitForUser(this.results, user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("NEWER_THAN_FAILURE");
		assertThat(result.get("detail").asString()).contains("2026-11-28T10:00:00Z")
			.contains("2026-11-28T09:12:44.123Z");
		assertThat(result.get("published").asString()).isEqualTo("2026-11-28T09:12:44.123Z");
		assertThat(deletesOf(user)).isEmpty();
		assertThat(okta().factorStatus(user, factor)).contains("PENDING_ACTIVATION");
	}

	@Test
	void a429WithAResetInMillisecondsWaitsAtMostTheMaximumAndLaterUsersAreHealed(CapturedOutput output) {
		List<String> users = okta().seedStuckUsers(2);
		String rawReset = Long.toString(Instant.now().plusSeconds(30).toEpochMilli());
		okta().throttleNextWithRawReset(rawReset);

		deliverStuck(users.get(0), Deliveries.newUuid());
		assertThat(Results.awaitForUser(this.results, users.get(0), 1).get(0).get("outcome").asString())
			.isEqualTo("DELETED");
		deliverStuck(users.get(1), Deliveries.newUuid());
		assertThat(Results.awaitForUser(this.results, users.get(1), 1).get(0).get("outcome").asString())
			.isEqualTo("DELETED");

		List<RecordedCall> calls = callsOf(users.get(0));
		assertThat(calls.get(0).status()).isEqualTo(429);
		Duration waited = Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt());
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(2900)).isLessThan(Duration.ofSeconds(5));
		assertThat(output.getAll()).contains("X-Rate-Limit-Reset '" + rawReset + "'")
			.contains("healer.okta.max-reset-wait");
	}

	@Test
	void aConfirmedDeleteEndsAsOneDeletedResultWhenTheResultsTopicFailsAtThatMoment(CapturedOutput output)
			throws Exception {
		String user = okta().seedStuckUsers(1).get(0);
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers()))) {
			setMaxMessageBytes(admin, "64");
			try {
				deliverStuck(user, Deliveries.newUuid());
				// the first result record is refused; the request is redelivered a second
				// later
				await().atMost(Duration.ofSeconds(20))
					.pollInterval(Duration.ofMillis(50))
					.until(() -> output.getAll().contains("key='" + user + "'")
							&& output.getAll().contains("RecordTooLargeException"));
				assertThat(deletesOf(user)).extracting(RecordedCall::status).containsExactly(204);
			}
			finally {
				setMaxMessageBytes(admin, "8388608");
			}
		}

		JsonNode result = Results.awaitForUser(this.results, user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("DELETED");
		assertThat(result.get("detail").asString()).contains("recorded on redelivery");
		assertThat(this.results.settle(Duration.ofSeconds(3)).stream().filter(r -> user.equals(r.key()))).hasSize(1);
		assertThat(deletesOf(user)).hasSize(1);
	}

	private static void setMaxMessageBytes(Admin admin, String value) throws Exception {
		admin
			.incrementalAlterConfigs(
					Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "okta.remediation.results"),
							List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, value),
									AlterConfigOp.OpType.SET))))
			.all()
			.get();
	}

	private void deliverStuck(String user, String eventUuid) {
		assertThat(
				postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(Deliveries.stuckSmsEvent(eventUuid, user))),
						SECRET)
					.statusCode())
			.isEqualTo(200);
	}

	private static String pendingSms(String user) {
		return okta().factors(user)
			.stream()
			.filter(f -> f.factorType().equals("sms") && f.status().equals("PENDING_ACTIVATION"))
			.findFirst()
			.orElseThrow()
			.id();
	}

	private static List<RecordedCall> callsOf(String user) {
		return okta().calls().stream().filter(c -> c.path().contains(user)).toList();
	}

	private static List<RecordedCall> deletesOf(String user) {
		return callsOf(user).stream().filter(c -> c.method().equals("DELETE")).toList();
	}

}
