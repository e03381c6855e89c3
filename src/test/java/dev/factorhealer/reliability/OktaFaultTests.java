package dev.factorhealer.reliability;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

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
 * Okta misbehaves (429 storm, 5xx bursts, answers slower than the client's timeout,
 * connection resets, down for good): the service waits, backs off, opens its circuit,
 * loses nothing, and heals every stuck user once Okta recovers. Each test shows its own
 * mechanism at work, so that it fails when that mechanism is switched off: a fault
 * shorter than the retries is healed within the request that met it (the failed call,
 * then the same call answered, no FAILED result, no replay, resilience4j's retry counted
 * it), and the circuit is seen open, refusing calls that never reach Okta. Only a down
 * Okta is healed by a replay from the stuck topic.
 */
class OktaFaultTests extends IntegrationTestSupport {

	/** {@code healer.okta.circuit-open-for} of {@link IntegrationTestSupport}. */
	private static final Duration CIRCUIT_OPEN_FOR = Duration.ofSeconds(2);

	/**
	 * Calls an open circuit lets through when it turns half-open
	 * ({@code permittedNumberOfCallsInHalfOpenState}).
	 */
	private static final int HALF_OPEN_PROBES = 3;

	@RegisterExtension
	final RemediationProbes probes = new RemediationProbes();

	@AfterEach
	void close() {
		okta().recover();
		okta().rateLimit(FakeOktaOrg.DEFAULT_LIMIT, FakeOktaOrg.DEFAULT_WINDOW);
		closeTheCircuit();
	}

	/**
	 * The next test starts with a closed circuit and an empty window: a circuit left open
	 * or half-open by this one closes after its probes are answered, so heal users until
	 * it is.
	 */
	private void closeTheCircuit() {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
			if (metric("resilience4j_circuitbreaker_state", "name=\"okta\"", "state=\"closed\"") == 1.0) {
				return true;
			}
			String user = okta().seedStuckUsers(1).get(0);
			postHook(Deliveries.delivery(Deliveries.newUuid(),
					List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);
			Results.awaitForUser(this.probes.results(), user, 1);
			return false;
		});
	}

	@Test
	void aStormOf429sIsWaitedOutAndEveryUserHealed() {
		long before = okta().throttledCount();
		double retried = retryCalls("successful_with_retry");
		Run run = healsEveryoneThrough("429-storm", 8, okta -> okta.throttleNextWithReset(Duration.ofSeconds(3)));

		assertThat(okta().throttledCount() - before).as("429s answered").isPositive();
		run.healedWithoutReplay();
		RecordedCall throttled = run.first(RecordedCall::throttled);
		RecordedCall repeated = run.next(throttled);
		assertThat(repeated.status()).as("the throttled call, repeated after the reset").isEqualTo(200);
		assertThat(Duration.between(throttled.receivedAt(), repeated.receivedAt()))
			.as("X-Rate-Limit-Reset was 3 s ahead (Date has one-second precision)")
			.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		assertThat(retryCalls("successful_with_retry") - retried).as("calls that succeeded after a retry").isPositive();
	}

	@Test
	void anOrgBucketSmallerThanTheBudgetIsRespectedWithoutA429() {
		long before = okta().throttledCount();
		Run run = healsEveryoneThrough("small-org-bucket", 12, okta -> okta.rateLimit(4, Duration.ofSeconds(2)));
		assertThat(okta().throttledCount() - before)
			.as("X-Rate-Limit-Remaining: 0 closes the gate until X-Rate-Limit-Reset, so no call is refused")
			.isZero();
		run.healedWithoutReplay();
	}

	/**
	 * A burst one shorter than {@code max-attempts} (5): the request that meets it
	 * retries through it.
	 */
	@Test
	void burstsOf5xxAreRetriedAndEveryUserHealed() {
		double retried = retryCalls("successful_with_retry");
		Run run = healsEveryoneThrough("5xx-bursts", 8, okta -> okta.failNext(4, 502));

		run.healedWithoutReplay();
		RecordedCall failed = run.first(call -> call.status() == 502);
		List<RecordedCall> samePath = run.calls().stream().filter(call -> call.path().equals(failed.path())).toList();
		assertThat(samePath).extracting(RecordedCall::status)
			.as("the same call, retried")
			.startsWith(502, 502, 502, 502, 200);
		for (int i = 1; i < 5; i++) {
			assertThat(Duration.between(samePath.get(i - 1).receivedAt(), samePath.get(i).receivedAt()))
				.as("backoff before retry %d", i)
				.isGreaterThanOrEqualTo(Duration.ofMillis(90));
		}
		assertThat(retryCalls("successful_with_retry") - retried).as("calls that succeeded after a retry").isPositive();
	}

	/**
	 * The answers are slow until the first attempt has timed out: its retry is answered
	 * in time.
	 */
	@Test
	void answersSlowerThanTheTimeoutAreRetriedAndEveryUserHealed() {
		double timeouts = oktaRequests("TIMEOUT");
		double retried = retryCalls("successful_with_retry");
		Run run = healsEveryoneThrough("slow-answers", 4, okta -> {
			okta.latency(Duration.ofMillis(1500));
		}, () -> {
			await().atMost(Duration.ofSeconds(30)).until(() -> oktaRequests("TIMEOUT") > timeouts);
			okta().latency(Duration.ZERO);
		});

		run.healedWithoutReplay();
		assertThat(oktaRequests("TIMEOUT") - timeouts).as("attempts that timed out").isPositive();
		RecordedCall timedOut = run.calls().get(0);
		assertThat(run.next(timedOut).status()).as("the timed-out call, retried").isEqualTo(200);
		assertThat(retryCalls("successful_with_retry") - retried).as("calls that succeeded after a retry").isPositive();
	}

	/**
	 * Fewer resets than {@code max-attempts} (the JDK client resends a dropped GET once
	 * by itself).
	 */
	@Test
	void connectionResetsAreRetriedAndEveryUserHealed() {
		double ioErrors = oktaRequests("IO_ERROR");
		double retried = retryCalls("successful_with_retry");
		Run run = healsEveryoneThrough("connection-resets", 8, okta -> okta.resetConnections(4));

		run.healedWithoutReplay();
		assertThat(oktaRequests("IO_ERROR") - ioErrors).as("attempts that lost their connection").isPositive();
		RecordedCall dropped = run.first(RecordedCall::connectionDropped);
		List<RecordedCall> samePath = run.calls().stream().filter(call -> call.path().equals(dropped.path())).toList();
		assertThat(samePath).extracting(RecordedCall::status)
			.as("the same call, dropped and then answered")
			.startsWith(0, 0, 0, 0, 200);
		assertThat(retryCalls("successful_with_retry") - retried).as("calls that succeeded after a retry").isPositive();
	}

	@Test
	void aDownOktaOpensTheCircuitAndEveryoneIsHealedByAReplayAfterItRecovers() {
		double refused = notPermitted();
		Run run = healsEveryoneThrough("okta-down", 6, okta -> okta.failAlways(500),
				() -> await().atMost(Duration.ofSeconds(30))
					.alias("calls the open circuit refused")
					.until(() -> notPermitted() > refused));
		assertThat(run.failedUsers()).as("requests that failed while Okta was down, then replayed").isNotEmpty();
	}

	@Test
	void theCircuitOpensAndStopsCallsWhileOktaFails() {
		double refused = notPermitted();
		List<String> users = okta().seedStuckUsers(6);
		okta().failAlways(503);

		postStuckEvents(users);

		await().atMost(Duration.ofSeconds(30))
			.until(() -> metric("resilience4j_circuitbreaker_state", "name=\"okta\"", "state=\"open\"") == 1.0);
		long callsWhenOpen = okta().calls().size();
		Instant openedBy = Instant.now();
		HttpResponse<String> scrape = send(HttpRequest.newBuilder(managementUrl("/actuator/prometheus")).build());
		assertThat(scrape.body()).contains("healer_okta_requests_seconds_count");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> users.stream().allMatch(u -> !Results.forUser(this.probes.results(), u).isEmpty()));
		Duration openFor = Duration.between(openedBy, Instant.now());
		long probes = HALF_OPEN_PROBES * (openFor.toMillis() / CIRCUIT_OPEN_FOR.toMillis() + 1);

		assertThat(notPermitted() - refused).as("calls the open circuit refused, without reaching Okta").isPositive();
		assertThat(okta().calls().size() - callsWhenOpen)
			.as("calls that reached Okta in the %s after the circuit opened: half-open probes only (and one in flight)",
					openFor)
			.isLessThanOrEqualTo(probes + 1);
		assertThat(users).allSatisfy(u -> assertThat(Results.forUser(this.probes.results(), u))
			.allSatisfy(r -> assertThat(r.get("outcome").asString()).isEqualTo("FAILED")));
	}

	private Run healsEveryoneThrough(String scenario, int count, Consumer<FakeOktaOrg> fault) {
		return healsEveryoneThrough(scenario, count, fault, () -> {
		});
	}

	/**
	 * @param whileFaulty runs once the events are posted, while the fault is on; the
	 * fault ends when every user has a result
	 */
	private Run healsEveryoneThrough(String scenario, int count, Consumer<FakeOktaOrg> fault, Runnable whileFaulty) {
		Instant start = Instant.now();
		List<String> users = okta().seedStuckUsers(count);
		int firstCall = okta().calls().size();
		fault.accept(okta());

		postStuckEvents(users);
		whileFaulty.run();
		await().atMost(Duration.ofSeconds(90))
			.until(() -> users.stream().allMatch(u -> !Results.forUser(this.probes.results(), u).isEmpty()));
		List<String> failedUsers = users.stream()
			.filter(u -> Results.forUser(this.probes.results(), u)
				.stream()
				.anyMatch(r -> r.get("outcome").asString().equals("FAILED")))
			.toList();
		long failed = failedUsers.size();
		// a FAILED result is recorded first, then the request is moved to the stuck topic
		this.probes.stuck().awaitRecords(failedUsers.size(), r -> failedUsers.contains(r.key()));
		okta().recover();
		okta().rateLimit(FakeOktaOrg.DEFAULT_LIMIT, FakeOktaOrg.DEFAULT_WINDOW);
		if (failed > 0) {
			HttpResponse<String> replay = send(HttpRequest.newBuilder(managementUrl("/admin/replay"))
				.header("Authorization", "Bearer " + ADMIN_TOKEN)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(
						"{\"topic\":\"okta.remediation.requests.dlq\",\"since\":\"" + start + "\",\"max\":100000}"))
				.build());
			assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
		}
		await().atMost(Duration.ofSeconds(60))
			.until(() -> users.stream()
				.allMatch(u -> okta().factors(u).stream().noneMatch(f -> f.status().equals("PENDING_ACTIVATION"))));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> users.stream()
				.allMatch(u -> Results.forUser(this.probes.results(), u).stream().anyMatch(r -> isHealed(r))));

		long wronglyDeleted = users.stream()
			.filter(u -> okta().factors(u).stream().noneMatch(f -> f.factorType().equals("email")))
			.count();
		long deleted204 = okta().deletes()
			.stream()
			.filter(c -> c.status() == 204 && users.stream().anyMatch(u -> c.path().contains(u)))
			.count();
		System.out.printf(
				"SCENARIO okta-%s: users=%d failed-then-replayed=%d healed=%d wrongly-deleted=%d lost=0 "
						+ "(429s %d, DELETE 204s %d)%n",
				scenario, count, failed, count, wronglyDeleted, okta().throttledCount(), deleted204);
		assertThat(wronglyDeleted).isZero();
		assertThat(users).allSatisfy(u -> assertThat(okta().deletes()
			.stream()
			.filter(c -> c.path().contains(u))
			.map(RecordedCall::status)
			.filter(s -> s == 204)).hasSizeLessThanOrEqualTo(1));
		return new Run(users, failedUsers, List.copyOf(okta().calls().subList(firstCall, okta().calls().size())),
				this.probes.stuck());
	}

	private static boolean isHealed(JsonNode result) {
		String outcome = result.get("outcome").asString();
		return outcome.equals("DELETED") || outcome.equals("ALREADY_REMOVED") || outcome.equals("NOT_PENDING");
	}

	private void postStuckEvents(List<String> users) {
		List<String> events = users.stream().map(u -> Deliveries.stuckSmsEvent(Deliveries.newUuid(), u)).toList();
		assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(), events), SECRET).statusCode()).isEqualTo(200);
	}

	/** {@code resilience4j_retry_calls_total{kind,name="okta"}}. */
	private double retryCalls(String kind) {
		return orZero(metric("resilience4j_retry_calls_total", "name=\"okta\"", "kind=\"" + kind + "\""));
	}

	/**
	 * {@code resilience4j_circuitbreaker_not_permitted_calls_total{name="okta"}}: calls
	 * an open circuit refused.
	 */
	private double notPermitted() {
		return orZero(metric("resilience4j_circuitbreaker_not_permitted_calls_total", "name=\"okta\""));
	}

	/**
	 * HTTP attempts of {@code list_factors} that ended with {@code status}
	 * ({@code TIMEOUT}, {@code IO_ERROR}, ...).
	 */
	private double oktaRequests(String status) {
		return orZero(metric("healer_okta_requests_seconds_count", "operation=\"list_factors\"",
				"status=\"" + status + "\""));
	}

	private double metric(String name, String... labels) {
		String body = send(HttpRequest.newBuilder(managementUrl("/actuator/prometheus")).build()).body();
		return body.lines()
			.filter(l -> l.startsWith(name + "{"))
			.filter(l -> List.of(labels).stream().allMatch(l::contains))
			.mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElse(Double.NaN);
	}

	private static double orZero(double value) {
		return Double.isNaN(value) ? 0 : value;
	}

	/**
	 * One scenario's users, those whose request failed (and was replayed), and the calls
	 * the fake org received from the fault on.
	 */
	private record Run(List<String> users, List<String> failedUsers, List<RecordedCall> calls, TopicProbe stuck) {

		/**
		 * Every user healed by the request that met the fault: no FAILED result, nothing
		 * on the stuck topic.
		 */
		void healedWithoutReplay() {
			assertThat(this.failedUsers).as("users whose request failed and needed a replay").isEmpty();
			assertThat(this.stuck.records(r -> this.users.contains(r.key()))).as("stuck requests").isEmpty();
		}

		RecordedCall first(Predicate<RecordedCall> which) {
			return this.calls.stream().filter(which).findFirst().orElseThrow(() -> new AssertionError("no such call"));
		}

		/** The next call of the same method and path. */
		RecordedCall next(RecordedCall call) {
			return this.calls.stream()
				.filter(c -> c.sequence() > call.sequence() && c.method().equals(call.method())
						&& c.path().equals(call.path()))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no later " + call.method() + " " + call.path()));
		}

	}

}
