package dev.factorhealer.remediation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.RecordedCall;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.RemediationProbes;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The heal loop end to end: an Okta delivery posted to the hook, detection and
 * remediation on a real broker, the fake Okta org answering as Okta does.
 */
@ExtendWith(OutputCaptureExtension.class)
class HealLoopIntegrationTests extends IntegrationTestSupport {

	@RegisterExtension
	final RemediationProbes probes = new RemediationProbes();

	@Test
	void sampleDeliveryUnenrollsThePendingSmsFactorOnceAndLeavesActiveFactorsAlone() {
		FakeOktaOrg okta = okta().seedDemo();
		// Li Wei (ACTIVE sms) also hits the error, so his factors are checked too
		String liFails = Deliveries.stuckSmsEvent(Deliveries.newUuid(), FakeOktaOrg.DEMO_LI_USER_ID);

		assertThat(postHook(sampleDelivery(), SECRET).statusCode()).isEqualTo(200);
		assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(liFails)), SECRET).statusCode())
			.isEqualTo(200);

		JsonNode ana = Results.awaitForUser(this.probes.results(), FakeOktaOrg.DEMO_ANA_USER_ID, 1).get(0);
		JsonNode li = Results.awaitForUser(this.probes.results(), FakeOktaOrg.DEMO_LI_USER_ID, 1).get(0);
		assertThat(ana.get("outcome").asString()).isEqualTo("DELETED");
		assertThat(ana.get("factorIds").get(0).asString()).isEqualTo(FakeOktaOrg.DEMO_ANA_SMS_FACTOR_ID);
		assertThat(ana.get("sourceEventUuid").asString()).isEqualTo("5a0d2b1e-8c1d-11ef-9a3a-0b9c6f1e2d4a");
		assertThat(li.get("outcome").asString()).isEqualTo("NOT_PENDING");
		assertThat(deletesOf(FakeOktaOrg.DEMO_ANA_USER_ID)).extracting(RecordedCall::path)
			.containsExactly(
					"/api/v1/users/" + FakeOktaOrg.DEMO_ANA_USER_ID + "/factors/" + FakeOktaOrg.DEMO_ANA_SMS_FACTOR_ID);
		assertThat(okta.factorStatus(FakeOktaOrg.DEMO_ANA_USER_ID, FakeOktaOrg.DEMO_ANA_PUSH_FACTOR_ID))
			.contains("ACTIVE");
		assertThat(deletesOf(FakeOktaOrg.DEMO_LI_USER_ID)).isEmpty();
		assertThat(okta.factorStatus(FakeOktaOrg.DEMO_LI_USER_ID, FakeOktaOrg.DEMO_LI_SMS_FACTOR_ID))
			.contains("ACTIVE");
	}

	@Test
	void theSameEventTwiceAndTheSameUserFailingFiveTimesCauseOneDelete() {
		String user = okta().seedStuckUsers(1).get(0);
		String event = Deliveries.stuckSmsEvent(Deliveries.newUuid(), user);
		List<String> again = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			again.add(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user));
		}

		postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(event)), SECRET);
		postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(event)), SECRET);
		postHook(Deliveries.delivery(Deliveries.newUuid(), again), SECRET);

		assertThat(Results.awaitForUser(this.probes.results(), user, 1).get(0).get("outcome").asString())
			.isEqualTo("DELETED");
		assertThat(this.probes.results().settle(Duration.ofSeconds(2)).stream().filter(r -> user.equals(r.key())))
			.hasSize(1);
		assertThat(deletesOf(user)).hasSize(1);
	}

	@Test
	void aDeleteThatTookEffectBehindA503IsRecordedAsDeletedAfterAFreshRead() {
		String user = okta().seedStuckUsers(1).get(0);
		okta().deleteTakesEffectButFails(1, 503);

		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);

		JsonNode result = Results.awaitForUser(this.probes.results(), user, 1).get(0);
		// the retry reads the factor again before another DELETE: it is gone, so our
		// first DELETE did it
		assertThat(result.get("outcome").asString()).isEqualTo("DELETED");
		assertThat(result.get("mode").asString()).isEqualTo("live");
		assertThat(result.has("failureReason")).isFalse();
		assertThat(deletesOf(user)).extracting(RecordedCall::status).containsExactly(503);
		assertThat(callsOf(user)).extracting(RecordedCall::method).containsExactly("GET", "DELETE", "GET");
		assertThat(this.probes.stuck().settle(Duration.ofMillis(500))).noneMatch(r -> user.equals(r.key()));
	}

	@Test
	void a429IsWaitedOutUntilItsResetBeforeTheNextCall() {
		String user = okta().seedStuckUsers(1).get(0);
		okta().throttleNextWithReset(Duration.ofSeconds(2));
		Instant throttledFrom = Instant.now();

		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);

		assertThat(Results.awaitForUser(this.probes.results(), user, 1).get(0).get("outcome").asString())
			.isEqualTo("DELETED");
		List<RecordedCall> calls = callsOf(user);
		RecordedCall throttled = calls.stream().filter(RecordedCall::throttled).findFirst().orElseThrow();
		// X-Rate-Limit-Reset is at least 2 s after the throttled call (the fake rounds it
		// up)
		Instant reset = throttled.receivedAt().plus(Duration.ofMillis(1950));
		assertThat(throttledFrom).isBefore(throttled.receivedAt());
		assertThat(calls.stream().filter(c -> c.receivedAt().isAfter(throttled.receivedAt())))
			.as("no call before X-Rate-Limit-Reset")
			.allSatisfy(c -> assertThat(c.receivedAt()).isAfter(reset));
		assertThat(okta().throttledCount()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void twoServerErrorsAreRetriedThenTheFactorIsDeleted() {
		String user = okta().seedStuckUsers(1).get(0);
		okta().failNext(2, 503);

		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);

		JsonNode result = Results.awaitForUser(this.probes.results(), user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("DELETED");
		assertThat(result.get("attempts").asInt()).isEqualTo(4);
		assertThat(deletesOf(user)).extracting(RecordedCall::status).containsExactly(204);
	}

	@Test
	void serverErrorsForeverEndOnTheStuckTopicWithAFailedResult() {
		String user = okta().seedStuckUsers(1).get(0);
		okta().failAlways(500);

		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);

		JsonNode result = Results.awaitForUser(this.probes.results(), user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("FAILED");
		assertThat(result.get("failureReason").asString()).isEqualTo("OKTA_ERROR");
		var dead = this.probes.stuck().awaitRecords(1, r -> user.equals(r.key())).get(0);
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.ORIGINAL_TOPIC)).isEqualTo("okta.remediation.requests");
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.EXCEPTION)).endsWith("RemediationFailedException");
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.REASON)).contains("listing factors failed");
		assertThat(deletesOf(user)).isEmpty();
		assertThat(okta().factors(user)).anySatisfy(f -> assertThat(f.status()).isEqualTo("PENDING_ACTIVATION"));
	}

	@Test
	void theOktaCallRateNeverExceedsTheBudget() {
		List<String> users = okta().seedStuckUsers(20);
		Instant start = Instant.now();
		List<String> events = users.stream().map(u -> Deliveries.stuckSmsEvent(Deliveries.newUuid(), u)).toList();

		postHook(Deliveries.delivery(Deliveries.newUuid(), events), SECRET);

		await().atMost(Duration.ofSeconds(60))
			.until(() -> users.stream().allMatch(u -> !Results.forUser(this.probes.results(), u).isEmpty()));
		// budget 600/min: one permit every 60 s / 599, so any 1 s window holds at most
		// ceil(1/0.1002) + 1 calls,
		// plus one: a listing and its DELETE take two permits together and the first of
		// them goes out at the
		// start of the second one's period (the padding keeps every 60 s window within
		// the budget)
		assertThat(okta().maxCallsInAnySlidingWindow(Duration.ofSeconds(1), c -> c.receivedAt().isAfter(start)))
			.isLessThanOrEqualTo(12);
		assertThat(okta().maxCallsInAnySlidingWindow(Duration.ofSeconds(60), c -> c.receivedAt().isAfter(start)))
			.isLessThanOrEqualTo(600);
		assertThat(users).allSatisfy(u -> assertThat(deletesOf(u)).hasSize(1));
	}

	@Test
	void noLogLineContainsTheApiToken(CapturedOutput output) {
		String user = okta().seedStuckUsers(1).get(0);
		okta().failNext(1, 401);

		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);

		Results.awaitForUser(this.probes.results(), user, 1);
		assertThat(output.getAll()).contains(user).doesNotContain(okta().token()).doesNotContain(SECRET);
	}

	private static List<RecordedCall> deletesOf(String user) {
		return okta().deletes().stream().filter(c -> c.path().contains("/users/" + user + "/")).toList();
	}

	private static List<RecordedCall> callsOf(String user) {
		return okta().calls().stream().filter(c -> c.path().contains("/users/" + user + "/")).toList();
	}

}
