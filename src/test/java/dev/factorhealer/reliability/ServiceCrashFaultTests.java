package dev.factorhealer.reliability;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.factorhealer.fakeokta.FakeFactor;
import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.ServiceProcess;
import dev.factorhealer.support.StandaloneKafka;
import dev.factorhealer.support.TopicDump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service is killed (SIGKILL) in the middle of its remediations and started again.
 * The promise: every stuck factor of the run is healed, no other factor is touched, and
 * every request ends as a result or on the stuck topic.
 */
class ServiceCrashFaultTests {

	private static final String SECRET = "fault-test-c-u4GbDQ_6qib0Yb8R-Nu4IC0aDc1j1";

	@Test
	void everyStuckFactorIsHealedAndNothingElseDeletedAcrossAServiceCrash() throws Exception {
		try (StandaloneKafka kafka = StandaloneKafka.start("service-crash"); FakeOktaOrg okta = FakeOktaOrg.start()) {
			List<String> stuckUsers = okta.seedStuckUsers(40);
			List<String> healthyUsers = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				String user = Deliveries.newUserId();
				okta.addUser(user);
				okta.addFactor(user, null, "sms", "ACTIVE");
				healthyUsers.add(user);
			}
			Map<String, Set<String>> untouchable = new HashMap<>();
			for (String user : concat(stuckUsers, healthyUsers)) {
				untouchable.put(user,
						new HashSet<>(okta.factors(user)
							.stream()
							.filter(f -> !f.status().equals("PENDING_ACTIVATION"))
							.map(FakeFactor::id)
							.toList()));
			}
			Map<String, String> settings = Map.of("spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
					"okta.client.org-url", okta.url(), "okta.client.token", okta.token(),
					"okta.testing.disable-https-check", "true", "healer.hook.secrets", SECRET,
					"healer.remediation.mode", "live", "healer.remediation.pause-after-delete", "200ms",
					"healer.okta.requests-per-minute", "300");
			try (ServiceProcess service = ServiceProcess.start("service-crash", settings)) {
				List<String> events = new ArrayList<>();
				for (String user : concat(stuckUsers, healthyUsers)) {
					events.add(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user));
				}
				HttpResponse<String> answer = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(service.url("/hooks/okta"))
						.header("Content-Type", "application/json")
						.header("Authorization", SECRET)
						.POST(HttpRequest.BodyPublishers.ofByteArray(Deliveries.delivery(Deliveries.newUuid(), events)))
						.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(answer.statusCode()).isEqualTo(200);

				await().atMost(Duration.ofSeconds(60)).until(() -> okta.deleteCount() >= 10);
				service.kill();
				long deletesAtCrash = okta.deleteCount();
				service.restart();

				await().atMost(Duration.ofSeconds(120))
					.until(() -> stuckUsers.stream()
						.allMatch(
								u -> okta.factors(u).stream().noneMatch(f -> f.status().equals("PENDING_ACTIVATION"))));
				Set<String> requestIds = sourceEvents(kafka, "okta.remediation.requests");
				await().atMost(Duration.ofSeconds(60)).until(() -> {
					Set<String> ended = sourceEvents(kafka, "okta.remediation.results");
					ended.addAll(sourceEvents(kafka, "okta.remediation.requests.dlq"));
					return ended.containsAll(requestIds);
				});
				Set<String> results = sourceEvents(kafka, "okta.remediation.results");
				Set<String> stuck = sourceEvents(kafka, "okta.remediation.requests.dlq");

				long wronglyDeleted = untouchable.entrySet()
					.stream()
					.mapToLong(e -> e.getValue()
						.stream()
						.filter(id -> okta.factorStatus(e.getKey(), id).isEmpty())
						.count())
					.sum();
				long healed = stuckUsers.stream()
					.filter(u -> okta.factors(u).stream().noneMatch(f -> f.status().equals("PENDING_ACTIVATION")))
					.count();
				System.out.printf(
						"SCENARIO service-crash: sent=%d requests=%d results=%d stuck=%d healed=%d/%d "
								+ "wrongly-deleted=%d lost=%d (deletes before the crash %d, all DELETE calls %d)%n",
						events.size(), requestIds.size(), results.size(), stuck.size(), healed, stuckUsers.size(),
						wronglyDeleted,
						requestIds.stream().filter(id -> !results.contains(id) && !stuck.contains(id)).count(),
						deletesAtCrash, okta.deleteCount());

				assertThat(healed).isEqualTo(stuckUsers.size());
				assertThat(wronglyDeleted).isZero();
				assertThat(requestIds).hasSize(events.size());
				assertThat(okta.deletes()).allSatisfy(call -> assertThat(call.path()).contains("/factors/"));
			}
		}
	}

	/**
	 * The {@code sourceEventUuid} of every record on a topic (requests, results and stuck
	 * requests all carry it).
	 */
	private static Set<String> sourceEvents(StandaloneKafka kafka, String topic) {
		Set<String> ids = new HashSet<>();
		TopicDump.values(kafka.bootstrapServers(), topic)
			.forEach(value -> ids.add(value.get("sourceEventUuid").asString()));
		return ids;
	}

	private static List<String> concat(List<String> a, List<String> b) {
		List<String> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

}
