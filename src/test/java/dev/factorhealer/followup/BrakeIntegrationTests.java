package dev.factorhealer.followup;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.remediation.RemediationBrake;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.PrometheusText;
import dev.factorhealer.support.RemediationProbes;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static dev.factorhealer.followup.FollowUpFixtures.activationEvent;
import static dev.factorhealer.followup.FollowUpFixtures.oktaTime;
import static dev.factorhealer.followup.FollowUpFixtures.stuckEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The brake, end to end: healed users failing again past the threshold stop live
 * deletions on their own, the alert's metrics move, nothing is deleted until an operator
 * releases the brake and replays; a large batch of first-time stuck users never trips it.
 * This class has its own brake and follow-up topics so the brake never reaches other test
 * classes on the shared broker.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "healer.followup.window=10m", "healer.followup.brake.min-followups=3",
		"healer.followup.brake.max-repeat-failure-rate=0.5",
		"healer.topics.names.followups=okta.remediation.followups.brake-it",
		"healer.topics.names.followup-state=okta.remediation.followup.state.brake-it",
		"healer.followup.group=healer-followup-brake-it", "healer.topics.names.brake=okta.remediation.brake.it" })
class BrakeIntegrationTests extends IntegrationTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private RemediationBrake brake;

	@RegisterExtension
	final RemediationProbes probes = new RemediationProbes();

	@BeforeEach
	void open() {
		assertThat(admin("/admin/brake", ADMIN_TOKEN, "{\"action\":\"release\",\"reason\":\"test baseline\"}")
			.statusCode()).isEqualTo(200);
	}

	@Test
	void goingLiveWithTheModeSwitchReleasesTheBrake() {
		this.brake.engage("test", "healing does not help (test)");
		assertThat(json.readTree(admin("/admin/brake", ADMIN_TOKEN, null).body()).get("engaged").asBoolean()).isTrue();

		HttpResponse<String> live = admin("/admin/mode", ADMIN_TOKEN,
				"{\"mode\":\"live\",\"by\":\"ana\",\"reason\":\"INC-7 fixed\"}");

		assertThat(live.statusCode()).isEqualTo(200);
		JsonNode brake = json.readTree(admin("/admin/brake", ADMIN_TOKEN, null).body());
		assertThat(brake.get("engaged").asBoolean()).isFalse();
		assertThat(brake.get("by").asString()).isEqualTo("ana");
		assertThat(brake.get("reason").asString()).contains("INC-7 fixed");
		// other test classes follow their configured mode again
		KafkaTestBroker.tombstone("okta.remediation.mode", "mode");
	}

	@Test
	void healedUsersFailingAgainStopDeletionsUntilAnOperatorReleasesTheBrake(CapturedOutput output) {
		double tripsBefore = metric("healer_remediation_brake_trips_total");
		List<String> healed = okta().seedStuckUsers(3);
		healed.forEach(this::heal);
		healed.forEach(user -> postHook(
				Deliveries.delivery(Deliveries.newUuid(),
						List.of(stuckEvent(Deliveries.newUuid(), user, oktaTime(Instant.now().plusMillis(50))))),
				SECRET));

		await().atMost(Duration.ofSeconds(30)).until(() -> metric("healer_remediation_brake_engaged") == 1.0);
		String metrics = scrapeMetrics();
		// over the whole rate window: users re-enrolled earlier on the shared broker
		// count there too
		assertThat(PrometheusText.value(metrics, "healer_followup_repeat_failure_rate")).isPositive();
		assertThat(PrometheusText.value(metrics, "healer_remediation_brake_trips_total")).isEqualTo(tripsBefore + 1);
		assertThat(output.getAll()).contains("Remediation brake ENGAGED by follow-up: 3 of 3 healed users");

		String next = okta().seedStuckUsers(1).get(0);
		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(stuckEvent(Deliveries.newUuid(), next, oktaTime(Instant.now())))), SECRET);
		JsonNode refused = Results.awaitForUser(this.probes.results(), next, 1).get(0);
		assertThat(refused.get("outcome").asString()).isEqualTo("FAILED");
		assertThat(refused.get("detail").asString()).startsWith("brake engaged by follow-up");
		assertThat(refused.get("failureReason").asString()).isEqualTo("BRAKE_ENGAGED");
		var dead = this.probes.stuck().awaitRecords(1, r -> next.equals(r.key())).get(0);
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.REASON)).contains("brake engaged");
		assertThat(okta().deletes()).noneMatch(c -> c.path().contains("/users/" + next + "/"));
		assertThat(okta().factors(next)).anySatisfy(f -> assertThat(f.status()).isEqualTo("PENDING_ACTIVATION"));

		assertThat(admin("/admin/brake", null, "{\"action\":\"release\",\"reason\":\"x\"}").statusCode())
			.isEqualTo(401);
		assertThat(admin("/admin/brake", ADMIN_TOKEN, "{\"action\":\"engage\",\"reason\":\"x\"}").statusCode())
			.isEqualTo(400);
		assertThat(admin("/admin/brake", ADMIN_TOKEN, "{\"action\":\"release\"}").statusCode())
			.as("a reason is required")
			.isEqualTo(400);
		HttpResponse<String> released = admin("/admin/brake", ADMIN_TOKEN,
				"{\"action\":\"release\",\"reason\":\"SMS provider outage over\"}");
		assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
		assertThat(json.readTree(released.body()).get("engaged").asBoolean()).isFalse();
		HttpResponse<String> replay = admin("/admin/replay", ADMIN_TOKEN,
				"{\"topic\":\"okta.remediation.requests.dlq\",\"userId\":\"" + next + "\"}");
		assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);

		assertThat(Results.awaitForUser(this.probes.results(), next, 2).get(1).get("outcome").asString())
			.isEqualTo("DELETED");
		assertThat(okta().deletes()).filteredOn(c -> c.path().contains("/users/" + next + "/")).hasSize(1);
		assertThat(metric("healer_remediation_brake_engaged"))
			.as("the figures from before the release do not trip it again")
			.isEqualTo(0.0);
	}

	@Test
	void aLargeBatchOfFirstTimeStuckUsersIsHealedWithoutTrippingTheBrake() {
		List<String> batch = okta().seedStuckUsers(30);
		postHook(
				Deliveries.delivery(Deliveries.newUuid(),
						batch.stream().map(u -> stuckEvent(Deliveries.newUuid(), u, oktaTime(Instant.now()))).toList()),
				SECRET);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> batch.stream().allMatch(u -> !Results.forUser(this.probes.results(), u).isEmpty()));
		// a few of them enroll again at once
		postHook(Deliveries.delivery(Deliveries.newUuid(),
				batch.subList(0, 3)
					.stream()
					.map(u -> activationEvent(Deliveries.newUuid(), u, "sms", oktaTime(Instant.now().plusMillis(50))))
					.toList()),
				SECRET);

		await().atMost(Duration.ofSeconds(30)).until(() -> metric("healer_followup_recent") >= 3);
		assertThat(batch)
			.allSatisfy(u -> assertThat(Results.forUser(this.probes.results(), u).get(0).get("outcome").asString())
				.isEqualTo("DELETED"));
		assertThat(metric("healer_remediation_brake_engaged")).isEqualTo(0.0);
		assertThat(metric("healer_followup_reenrollment_rate")).isPositive();
		assertThat(json.readTree(admin("/admin/brake", ADMIN_TOKEN, null).body()).get("engaged").asBoolean()).isFalse();
	}

	private void heal(String user) {
		postHook(
				Deliveries.delivery(Deliveries.newUuid(),
						List.of(stuckEvent(Deliveries.newUuid(), user, oktaTime(Instant.now().minusSeconds(60))))),
				SECRET);
		assertThat(Results.awaitForUser(this.probes.results(), user, 1).get(0).get("outcome").asString())
			.isEqualTo("DELETED");
	}

	private double metric(String name) {
		return PrometheusText.value(scrapeMetrics(), name);
	}

}
