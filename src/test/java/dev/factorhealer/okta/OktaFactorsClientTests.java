package dev.factorhealer.okta;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.RecordedCall;

import static dev.factorhealer.okta.OktaClientFixture.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The factors client against the stateful fake Okta org: what each answer means, which
 * failures are retried and how, the throttle gate, the deadline and the circuit breaker,
 * and that the API token never reaches a log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class OktaFactorsClientTests {

	private static final String USER = "00uana000000000001";

	private static final String SMS = "smsana000000000001";

	private static final String EMAIL = "emfana000000000001";

	private static final DeleteGuard FRESH = OktaClientFixture.TRUSTING;

	private FakeOktaOrg org;

	private ExecutorService pool;

	@BeforeEach
	void startOrg() {
		this.org = FakeOktaOrg.start();
		this.org.addUser(USER);
		this.org.addFactor(USER, SMS, "sms", "PENDING_ACTIVATION");
		this.org.addFactor(USER, EMAIL, "email", "ACTIVE");
	}

	@AfterEach
	void stopOrg() throws InterruptedException {
		if (this.pool != null) {
			this.pool.shutdownNow();
			this.pool.awaitTermination(5, TimeUnit.SECONDS);
		}
		this.org.close();
	}

	@Test
	void listsFactorsAndDeletesThePendingSmsFactor() {
		OktaClientFixture client = OktaClientFixture.against(this.org);

		OktaAnswer<List<UserFactor>> factors = client.okta.listFactors(USER, in(Duration.ofSeconds(5)));
		OktaAnswer<Unenrollment> deleted = client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(5)), FRESH);

		assertThat(factors.attempts()).isEqualTo(1);
		assertThat(factors.value())
			.extracting(UserFactor::id, UserFactor::factorType, UserFactor::provider, UserFactor::status)
			.containsExactly(tuple(SMS, "sms", "OKTA", "PENDING_ACTIVATION"), tuple(EMAIL, "email", "OKTA", "ACTIVE"));
		assertThat(deleted).isEqualTo(new OktaAnswer<>(Unenrollment.DELETED, 1));
		assertThat(this.org.factorStatus(USER, SMS)).isEmpty();
		assertThat(this.org.factorStatus(USER, EMAIL)).contains("ACTIVE");
		assertThat(this.org.calls()).extracting(RecordedCall::method, RecordedCall::path, RecordedCall::status)
			.containsExactly(tuple("GET", "/api/v1/users/" + USER + "/factors", 200),
					tuple("DELETE", "/api/v1/users/" + USER + "/factors/" + SMS, 204));
		assertThat(this.org.calls()).allMatch(RecordedCall::authorizationValid);
		assertThat(this.org.deletes().get(0).queryParameter("removeRecoveryEnrollment")).isEmpty();
		assertThat(client.timerCount("list_factors", "200")).isEqualTo(1);
		assertThat(client.timerCount("delete_factor", "204")).isEqualTo(1);
		String prometheus = client.registry.scrape();
		assertThat(prometheus).contains("healer_okta_requests_seconds_bucket{")
			.contains("operation=\"delete_factor\"")
			.contains("status=\"204\"")
			.contains("healer_okta_rate_limit_remaining{bucket=\"factors\"} " + (FakeOktaOrg.DEFAULT_LIMIT - 2))
			.contains("healer_okta_rate_limit_limit{bucket=\"factors\"} " + FakeOktaOrg.DEFAULT_LIMIT)
			.contains("healer_okta_throttled_total 0.0")
			.contains("resilience4j_circuitbreaker_state{name=\"okta\",state=\"closed\"} 1.0")
			.contains("resilience4j_ratelimiter_available_permissions{name=\"okta\"}")
			.contains("resilience4j_retry_calls_total{kind=\"successful_without_retry\",name=\"okta\"} 2.0");
	}

	@Test
	void sendsRemoveRecoveryEnrollmentOnlyWhenConfigured() {
		OktaClientFixture client = OktaClientFixture.against(this.org, Map.of("remove-recovery-enrollment", "true"));

		client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(5)), FRESH);

		assertThat(this.org.deletes()).singleElement()
			.satisfies(call -> assertThat(call.queryParameter("removeRecoveryEnrollment")).contains("true"));
	}

	@Test
	void deletingAFactorThatIsGoneIsAlreadyRemoved(CapturedOutput output) {
		OktaClientFixture client = OktaClientFixture.against(this.org);

		OktaAnswer<Unenrollment> answer = client.okta.deleteFactor(USER, "smsgone00000000000",
				in(Duration.ofSeconds(5)), FRESH);

		assertThat(answer).isEqualTo(new OktaAnswer<>(Unenrollment.ALREADY_REMOVED, 1));
		assertThat(this.org.deleteCount()).isEqualTo(1);
		assertThat(output).contains("already removed").contains("smsgone00000000000");
	}

	@Test
	void retriesADeleteThatTookEffectButFailedAndReportsItAlreadyRemoved() {
		OktaClientFixture client = OktaClientFixture.against(this.org);
		this.org.deleteTakesEffectButFails(1, 503);

		OktaAnswer<Unenrollment> answer = client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(5)), FRESH);

		assertThat(answer).isEqualTo(new OktaAnswer<>(Unenrollment.ALREADY_REMOVED, 2));
		assertThat(this.org.deletes()).extracting(RecordedCall::status).containsExactly(503, 404);
		assertThat(this.org.factorStatus(USER, SMS)).isEmpty();
	}

	@Test
	void anUnknownUserIsUserNotFoundWithoutRetry() {
		OktaClientFixture client = OktaClientFixture.against(this.org);

		OktaException.UserNotFound notFound = catchThrowableOfType(OktaException.UserNotFound.class,
				() -> client.okta.listFactors("00unobody000000000", in(Duration.ofSeconds(5))));

		assertThat(notFound.status()).isEqualTo(404);
		assertThat(notFound.errorCode()).isEqualTo("E0000007");
		assertThat(notFound.errorId()).startsWith("oae");
		assertThat(notFound.attempts()).isEqualTo(1);
		assertThat(this.org.calls()).hasSize(1);
	}

	@Test
	void forbiddenAndUnauthorizedAreRejectedWithoutRetry() {
		OktaClientFixture client = OktaClientFixture.against(this.org);
		this.org.failNext(1, 403);

		OktaException.Rejected forbidden = catchThrowableOfType(OktaException.Rejected.class,
				() -> client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(5)), FRESH));
		OktaException.Rejected unauthorized = catchThrowableOfType(OktaException.Rejected.class,
				() -> OktaClientFixture.withToken(this.org, "not-the-token").okta.listFactors(USER,
						in(Duration.ofSeconds(5))));

		assertThat(forbidden.status()).isEqualTo(403);
		assertThat(forbidden.errorCode()).isEqualTo("E0000006");
		assertThat(forbidden.attempts()).isEqualTo(1);
		assertThat(unauthorized.status()).isEqualTo(401);
		assertThat(unauthorized.errorCode()).isEqualTo("E0000011");
		assertThat(unauthorized.attempts()).isEqualTo(1);
		assertThat(this.org.calls()).extracting(RecordedCall::status).containsExactly(403, 401);
		assertThat(this.org.factorStatus(USER, SMS)).contains("PENDING_ACTIVATION");
	}

	@Test
	void retriesServerErrorsWithBackoffThenSucceeds() {
		OktaClientFixture client = OktaClientFixture.against(this.org);
		this.org.failNext(2, 503);

		OktaAnswer<List<UserFactor>> answer = client.okta.listFactors(USER, in(Duration.ofSeconds(5)));

		assertThat(answer.attempts()).isEqualTo(3);
		assertThat(answer.value()).hasSize(2);
		List<RecordedCall> calls = this.org.calls();
		assertThat(calls).extracting(RecordedCall::status).containsExactly(503, 503, 200);
		for (int i = 1; i < calls.size(); i++) {
			assertThat(Duration.between(calls.get(i - 1).receivedAt(), calls.get(i).receivedAt()))
				.isGreaterThanOrEqualTo(client.policy.initialBackoff());
		}
		assertThat(client.timerCount("list_factors", "503")).isEqualTo(2);
		assertThat(client.timerCount("list_factors", "200")).isEqualTo(1);
	}

	@Test
	void retriesDroppedConnections() {
		OktaClientFixture client = OktaClientFixture.against(this.org);
		this.org.resetConnections(2);

		OktaAnswer<Unenrollment> deleted = client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(5)), FRESH);
		this.org.resetConnections(2);
		OktaAnswer<List<UserFactor>> listed = client.okta.listFactors(USER, in(Duration.ofSeconds(5)));

		assertThat(deleted).isEqualTo(new OktaAnswer<>(Unenrollment.DELETED, 3));
		assertThat(this.org.deletes()).extracting(RecordedCall::status).containsExactly(0, 0, 204);
		assertThat(client.timerCount("delete_factor", "IO_ERROR")).isEqualTo(2);
		// the JDK HttpClient itself resends a GET (never a DELETE) once when the
		// connection closes
		// before any byte of an answer, so a GET may take fewer attempts than requests
		// arrived
		assertThat(listed.value()).singleElement().extracting(UserFactor::id).isEqualTo(EMAIL);
		assertThat(listed.attempts()).isBetween(2, 3);
		assertThat(this.org.calls()).filteredOn(call -> call.method().equals("GET"))
			.extracting(RecordedCall::status)
			.containsExactly(0, 0, 200);
	}

	@Test
	void noCallFromAnyThreadReachesOktaBeforeTheResetOfA429() throws Exception {
		OktaClientFixture client = OktaClientFixture.against(this.org);
		this.pool = Executors.newFixedThreadPool(3);
		this.org.throttleNextWithReset(Duration.ofSeconds(2));

		Future<OktaAnswer<List<UserFactor>>> throttled = this.pool
			.submit(() -> client.okta.listFactors(USER, in(Duration.ofSeconds(10))));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.org.throttledCount() == 1);
		List<Future<OktaAnswer<List<UserFactor>>>> others = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			others.add(this.pool.submit(() -> client.okta.listFactors(USER, in(Duration.ofSeconds(10)))));
		}

		assertThat(throttled.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(2);
		for (Future<OktaAnswer<List<UserFactor>>> other : others) {
			assertThat(other.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(1);
		}
		RecordedCall first = this.org.calls().get(0);
		assertThat(first.status()).isEqualTo(429);
		Instant reset = Instant.ofEpochSecond(ceilSeconds(first.receivedAt().plus(Duration.ofSeconds(2))));
		assertThat(this.org.calls()).hasSize(4)
			.filteredOn(call -> call.sequence() > first.sequence())
			.allSatisfy(call -> {
				assertThat(call.status()).isEqualTo(200);
				assertThat(call.receivedAt()).isAfterOrEqualTo(reset);
			});
		assertThat(this.org.throttledCount()).isEqualTo(1);
		assertThat(client.registry.get(OktaMetrics.THROTTLED).counter().count()).isEqualTo(1);
	}

	@Test
	void aResetAfterTheDeadlineFailsAtOnceAndKeepsLaterCallsAway() {
		OktaClientFixture client = OktaClientFixture.against(this.org);
		this.org.throttleNextWithReset(Duration.ofSeconds(5));
		long started = System.nanoTime();

		OktaException.Unavailable first = catchThrowableOfType(OktaException.Unavailable.class,
				() -> client.okta.listFactors(USER, in(Duration.ofSeconds(2))));
		OktaException.Unavailable second = catchThrowableOfType(OktaException.Unavailable.class,
				() -> client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(2)), FRESH));

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
		assertThat(first.status()).isEqualTo(429);
		assertThat(first.errorCode()).isEqualTo("E0000047");
		assertThat(first.attempts()).isEqualTo(1);
		assertThat(second.attempts()).isZero();
		assertThat(second.getMessage()).contains("after the deadline");
		assertThat(this.org.calls()).hasSize(1);
	}

	@Test
	void serverErrorsForeverEndInUnavailableWithinTheDeadline() {
		OktaClientFixture client = OktaClientFixture.against(this.org,
				Map.of("max-attempts", "20", "initial-backoff", "100ms", "max-backoff", "300ms"));
		this.org.failAlways(500);
		Instant deadline = in(Duration.ofSeconds(1));

		OktaException.Unavailable unavailable = catchThrowableOfType(OktaException.Unavailable.class,
				() -> client.okta.listFactors(USER, deadline));

		assertThat(Instant.now()).isBefore(deadline.plusMillis(100));
		assertThat(unavailable.status()).isEqualTo(500);
		assertThat(unavailable.errorCode()).isEqualTo("E0000009");
		assertThat(unavailable.errorId()).startsWith("oae");
		assertThat(unavailable.attempts()).isGreaterThanOrEqualTo(3).isEqualTo(this.org.calls().size());
		assertThat(this.org.calls()).allMatch(call -> call.receivedAt().isBefore(deadline));
	}

	@Test
	void theCircuitOpensAfterEnoughFailuresAndThenRefusesWithoutCallingOkta() {
		OktaClientFixture client = OktaClientFixture.against(this.org, Map.of("circuit-window", "4",
				"circuit-failure-rate", "50", "max-attempts", "2", "circuit-open-for", "30s"));
		this.org.failAlways(503);

		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(OktaException.Unavailable.class)
				.isThrownBy(() -> client.okta.listFactors(USER, in(Duration.ofSeconds(5))))
				.satisfies(ex -> assertThat(ex.attempts()).isEqualTo(2));
		}
		assertThat(client.registry.get("resilience4j.circuitbreaker.state")
			.tags("name", "okta", "state", "open")
			.gauge()
			.value()).isEqualTo(1);
		int callsBefore = this.org.calls().size();

		OktaException.Unavailable refused = catchThrowableOfType(OktaException.Unavailable.class,
				() -> client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(1)), FRESH));

		assertThat(callsBefore).isEqualTo(4);
		assertThat(this.org.calls()).hasSize(callsBefore);
		assertThat(refused.attempts()).isZero();
		assertThat(refused.status()).isZero();
		assertThat(refused.getMessage()).contains("circuit breaker 'okta' is open");
	}

	@Test
	void timeoutsAreRetriedThenUnavailable() {
		OktaClientFixture client = OktaClientFixture.against(this.org,
				Map.of("read-timeout", "200ms", "max-attempts", "3"));
		this.org.latency(Duration.ofSeconds(1));

		OktaException.Unavailable unavailable = catchThrowableOfType(OktaException.Unavailable.class,
				() -> client.okta.listFactors(USER, in(Duration.ofSeconds(5))));

		assertThat(unavailable.attempts()).isEqualTo(3);
		assertThat(unavailable.status()).isZero();
		assertThat(unavailable.getMessage()).contains("timed out");
		assertThat(this.org.calls()).hasSize(3);
		assertThat(client.timerCount("list_factors", "TIMEOUT")).isEqualTo(3);
	}

	@Test
	void theTokenNeverReachesALogLineOrAnExceptionMessage(CapturedOutput output) {
		String token = "secret-token-" + UUID.randomUUID();
		String wrongToken = "wrong-token-" + UUID.randomUUID();
		List<String> messages = new ArrayList<>();
		try (FakeOktaOrg secretOrg = FakeOktaOrg.start(0, token)) {
			secretOrg.addUser(USER);
			secretOrg.addFactor(USER, SMS, "sms", "PENDING_ACTIVATION");
			OktaClientFixture client = OktaClientFixture.against(secretOrg,
					Map.of("read-timeout", "200ms", "max-attempts", "2"));
			secretOrg.failNext(1, 503);
			client.okta.listFactors(USER, in(Duration.ofSeconds(5)));
			secretOrg.throttleNextWithReset(Duration.ofSeconds(1));
			client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(5)), FRESH);
			client.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(5)), FRESH);
			messages.add(catchThrowableOfType(OktaException.class,
					() -> client.okta.listFactors("00unobody000000000", in(Duration.ofSeconds(5))))
				.getMessage());
			secretOrg.latency(Duration.ofSeconds(1));
			messages.add(catchThrowableOfType(OktaException.class,
					() -> client.okta.listFactors(USER, in(Duration.ofSeconds(5))))
				.getMessage());
			secretOrg.recover();
			messages.add(catchThrowableOfType(OktaException.class,
					() -> OktaClientFixture.withToken(secretOrg, wrongToken).okta.listFactors(USER,
							in(Duration.ofSeconds(5))))
				.getMessage());
			messages.add(new OktaClientProperties(java.net.URI.create(secretOrg.url()), token).toString());
		}

		assertThat(output).contains("retrying in").contains("already removed").contains("no call before");
		assertThat(output).doesNotContain(token).doesNotContain(wrongToken);
		assertThat(messages).hasSize(4).noneMatch(message -> message.contains(token) || message.contains(wrongToken));
	}

	private static long ceilSeconds(Instant instant) {
		return (instant.getNano() == 0) ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
	}

}
