package dev.factorhealer.reliability;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.RecordedCall;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Okta misbehaves (429 storm, 5xx bursts, answers slower than the client's timeout, connection
 * resets, down for good): the service waits, backs off, opens its circuit, loses nothing, and
 * heals every stuck user once Okta recovers, replaying what got stuck.
 */
class OktaFaultTests extends IntegrationTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	private TopicProbe results;

	private TopicProbe stuck;

	@BeforeEach
	void open() {
		okta().recover();
		this.results = TopicProbe.open("okta.remediation.results");
		this.stuck = TopicProbe.open("okta.remediation.requests.dlq");
	}

	@AfterEach
	void close() {
		okta().recover();
		okta().rateLimit(FakeOktaOrg.DEFAULT_LIMIT, FakeOktaOrg.DEFAULT_WINDOW);
		this.results.close();
		this.stuck.close();
	}

	@Test
	void aStormOf429sIsWaitedOutAndEveryUserHealed() {
		long before = okta().throttledCount();
		healsEveryoneThrough("429-storm", 8, okta -> okta.throttleNextWithReset(Duration.ofSeconds(3)));
		assertThat(okta().throttledCount() - before).as("429s answered").isPositive();
	}

	@Test
	void anOrgBucketSmallerThanTheBudgetIsRespectedWithoutA429() {
		long before = okta().throttledCount();
		healsEveryoneThrough("small-org-bucket", 12, okta -> okta.rateLimit(4, Duration.ofSeconds(2)));
		assertThat(okta().throttledCount() - before)
			.as("X-Rate-Limit-Remaining: 0 closes the gate until X-Rate-Limit-Reset, so no call is refused")
			.isZero();
	}

	@Test
	void burstsOf5xxAreRetriedAndEveryUserHealed() {
		healsEveryoneThrough("5xx-bursts", 8, okta -> okta.failNext(12, 502));
	}

	@Test
	void answersSlowerThanTheTimeoutAreRetriedAndEveryUserHealed() {
		healsEveryoneThrough("slow-answers", 4, okta -> okta.latency(Duration.ofMillis(1500)));
	}

	@Test
	void connectionResetsAreRetriedAndEveryUserHealed() {
		healsEveryoneThrough("connection-resets", 8, okta -> okta.resetConnections(10));
	}

	@Test
	void aDownOktaOpensTheCircuitAndEveryoneIsHealedByAReplayAfterItRecovers() {
		healsEveryoneThrough("okta-down", 6, okta -> okta.failAlways(500));
	}

	@Test
	void theCircuitOpensAndStopsCallsWhileOktaFails() {
		List<String> users = okta().seedStuckUsers(6);
		okta().failAlways(503);

		postStuckEvents(users);

		await().atMost(Duration.ofSeconds(30)).until(() -> metric("resilience4j_circuitbreaker_state", "name=\"okta\"",
				"state=\"open\"") == 1.0);
		long callsWhenOpen = okta().calls().size();
		HttpResponse<String> scrape = send(HttpRequest.newBuilder(managementUrl("/actuator/prometheus")).build());
		assertThat(scrape.body()).contains("healer_okta_requests_seconds_count");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> users.stream().allMatch(u -> !Results.forUser(this.results, u).isEmpty()));
		assertThat(okta().calls().size() - callsWhenOpen)
			.as("an open circuit refuses calls without reaching Okta (half-open probes only)")
			.isLessThan(users.size() * 5L);
	}

	private void healsEveryoneThrough(String scenario, int count, Consumer<FakeOktaOrg> fault) {
		Instant start = Instant.now();
		List<String> users = okta().seedStuckUsers(count);
		fault.accept(okta());

		postStuckEvents(users);
		await().atMost(Duration.ofSeconds(90))
			.until(() -> users.stream().allMatch(u -> !Results.forUser(this.results, u).isEmpty()));
		List<String> failedUsers = users.stream()
			.filter(u -> Results.forUser(this.results, u).stream().anyMatch(r -> r.get("outcome").asString().equals("FAILED")))
			.toList();
		long failed = failedUsers.size();
		// a FAILED result is recorded first, then the request is moved to the stuck topic
		this.stuck.awaitRecords(failedUsers.size(), r -> failedUsers.contains(r.key()));
		okta().recover();
		okta().rateLimit(FakeOktaOrg.DEFAULT_LIMIT, FakeOktaOrg.DEFAULT_WINDOW);
		if (failed > 0) {
			HttpResponse<String> replay = send(HttpRequest.newBuilder(managementUrl("/admin/replay"))
				.header("Authorization", "Bearer " + ADMIN_TOKEN)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"okta.remediation.requests.dlq\",\"since\":\""
						+ start + "\",\"max\":100000}"))
				.build());
			assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> users.stream()
			.allMatch(u -> okta().factors(u).stream().noneMatch(f -> f.status().equals("PENDING_ACTIVATION"))));
		await().atMost(Duration.ofSeconds(30)).until(() -> users.stream()
			.allMatch(u -> Results.forUser(this.results, u).stream().anyMatch(r -> isHealed(r))));

		long wronglyDeleted = users.stream()
			.filter(u -> okta().factors(u).stream().noneMatch(f -> f.factorType().equals("email")))
			.count();
		long deleted204 = okta().deletes()
			.stream()
			.filter(c -> c.status() == 204 && users.stream().anyMatch(u -> c.path().contains(u)))
			.count();
		System.out.printf("SCENARIO okta-%s: users=%d failed-then-replayed=%d healed=%d wrongly-deleted=%d lost=0 "
				+ "(429s %d, DELETE 204s %d)%n", scenario, count, failed, count, wronglyDeleted, okta().throttledCount(),
				deleted204);
		assertThat(wronglyDeleted).isZero();
		assertThat(users).allSatisfy(u -> assertThat(okta().deletes()
			.stream()
			.filter(c -> c.path().contains(u))
			.map(RecordedCall::status)
			.filter(s -> s == 204)).hasSizeLessThanOrEqualTo(1));
	}

	private static boolean isHealed(JsonNode result) {
		String outcome = result.get("outcome").asString();
		return outcome.equals("DELETED") || outcome.equals("ALREADY_REMOVED") || outcome.equals("NOT_PENDING");
	}

	private void postStuckEvents(List<String> users) {
		List<String> events = users.stream().map(u -> Deliveries.stuckSmsEvent(Deliveries.newUuid(), u)).toList();
		assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(), events), SECRET).statusCode()).isEqualTo(200);
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

}
