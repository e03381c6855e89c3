package dev.factorhealer.reliability;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.RecordedCall;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.ServiceProcess;
import dev.factorhealer.support.StandaloneKafka;
import dev.factorhealer.support.TopicDump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several replicas share one Okta budget and one deletion cap: three service processes
 * (separate JVMs) on one broker process and the fake org, stuck users delivered to random
 * replicas, one replica SIGKILLed in the middle and a fourth started. Every stuck user is
 * healed exactly once, no 60-second window holds more Okta calls than the deployment's
 * budget, the cap holds exactly, and every request ends as a result or a stuck record.
 */
class ReplicasFaultTests {

	private static final String SECRET = "replicas-test-Qm7vX2pL9sK4wR8tZ3nB6yH1";

	/**
	 * Calls a minute for the whole deployment; each of three replicas gets 2 of the 6
	 * request partitions: 20.
	 */
	private static final int BUDGET = 60;

	/**
	 * Enough that the budget, not the machine, paces the first wave: 80 calls, over a
	 * minute at 60 a minute.
	 */
	private static final int FIRST_WAVE = 40;

	/** Deletions the cap leaves after the first wave. */
	private static final int SPARE = 3;

	private static final int CAP = FIRST_WAVE + SPARE;

	private static final int SECOND_WAVE = 7;

	private final Random random = new Random(7);

	@Test
	void threeReplicasHealEveryStuckUserOnceWithinOneBudgetAndOneCapThroughAKill() throws Exception {
		try (StandaloneKafka kafka = StandaloneKafka.start("replicas"); FakeOktaOrg okta = FakeOktaOrg.start()) {
			okta.rateLimit(BUDGET * 2, Duration.ofSeconds(60));
			Map<String, String> settings = new HashMap<>(
					Map.of("spring.kafka.bootstrap-servers", kafka.bootstrapServers(), "okta.client.org-url",
							okta.url(), "okta.client.token", okta.token(), "okta.testing.disable-https-check", "true",
							"healer.hook.secrets", SECRET, "healer.remediation.mode", "live",
							"healer.remediation.pause-after-delete", "100ms", "healer.okta.requests-per-minute",
							Integer.toString(BUDGET), "healer.remediation.max-deletions-per-hour",
							Integer.toString(CAP), "healer.systemlog.enabled", "false"));
			// a dead replica's partitions move after 6 s instead of 45 s
			settings.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
			settings.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "1000");
			List<ServiceProcess> replicas = new ArrayList<>();
			try {
				for (int i = 1; i <= 3; i++) {
					replicas.add(ServiceProcess.start("replica-" + i, settings));
				}
				List<String> firstWave = okta.seedStuckUsers(FIRST_WAVE);
				for (String user : firstWave) {
					deliver(replicas.get(this.random.nextInt(replicas.size())), user);
				}

				await().atMost(Duration.ofSeconds(120)).until(() -> okta.deleteCount() >= FIRST_WAVE / 3);
				ServiceProcess killed = replicas.remove(1);
				killed.kill();
				Instant killedAt = Instant.now();
				replicas.add(ServiceProcess.start("replica-4", settings));

				await().atMost(Duration.ofSeconds(240)).until(() -> healed(okta, firstWave) == FIRST_WAVE);
				// the same users fail again after the rebalance: coalesced, wherever
				// their partition went
				for (String user : firstWave) {
					deliver(replicas.get(this.random.nextInt(replicas.size())), user);
				}
				List<String> secondWave = okta.seedStuckUsers(SECOND_WAVE);
				for (String user : secondWave) {
					deliver(replicas.get(this.random.nextInt(replicas.size())), user);
				}
				await().atMost(Duration.ofSeconds(180))
					.until(() -> ended(kafka).containsAll(sourceEvents(kafka, "okta.remediation.requests"))
							&& sourceEvents(kafka, "okta.remediation.requests").size() == FIRST_WAVE + SECOND_WAVE);

				List<JsonNode> results = TopicDump.values(kafka.bootstrapServers(), "okta.remediation.results");
				Map<String, Integer> deletedResults = new HashMap<>();
				results.stream()
					.filter(r -> r.get("outcome").asString().equals("DELETED"))
					.forEach(r -> deletedResults.merge(r.get("userId").asString(), 1, Integer::sum));
				List<RecordedCall> deletes = okta.deletes().stream().filter(c -> c.status() == 204).toList();
				Set<String> lost = new HashSet<>(sourceEvents(kafka, "okta.remediation.requests"));
				lost.removeAll(ended(kafka));
				Window busiest = busiestWindow(okta.calls());
				List<JsonNode> cappedResults = results.stream()
					.filter(r -> r.get("detail").asString().startsWith("deletion cap reached"))
					.toList();
				// a refused request handled again after a rebalance (before its offset
				// was committed) is
				// refused again: at least once, as every outcome that deleted nothing
				long capped = cappedResults.stream().map(r -> r.get("userId").asString()).distinct().count();
				System.out
					.printf("SCENARIO replicas: replicas=3 (+1 after a SIGKILL at %s) budget=%d/min cap=%d stuck=%d "
							+ "healed=%d deletes=%d users-healed-twice=%d deleted-results=%d capped-users=%d (%d records) requests=%d lost=%d "
							+ "busiest-60s-window=%d calls from %s (fake org limit %d)%n", killedAt, BUDGET, CAP,
							FIRST_WAVE + SECOND_WAVE, healed(okta, firstWave) + healed(okta, secondWave),
							deletes.size(), deletedResults.values().stream().filter(n -> n > 1).count(),
							deletedResults.values().stream().mapToInt(Integer::intValue).sum(), capped,
							cappedResults.size(), sourceEvents(kafka, "okta.remediation.requests").size(), lost.size(),
							busiest.calls(), busiest.from(), BUDGET * 2);

				assertThat(healed(okta, firstWave)).isEqualTo(FIRST_WAVE);
				assertThat(deletes).hasSize(CAP);
				assertThat(healed(okta, secondWave)).isEqualTo(SPARE);
				assertThat(deletedResults.values()).allMatch(n -> n == 1);
				assertThat(deletedResults).hasSize(CAP);
				assertThat(capped).isEqualTo(SECOND_WAVE - SPARE);
				assertThat(busiest.calls()).isLessThanOrEqualTo(BUDGET);
				assertThat(okta.throttledCount()).isZero();
				assertThat(lost).isEmpty();
				assertThat(sourceEvents(kafka, "okta.remediation.requests")).hasSize(FIRST_WAVE + SECOND_WAVE);
			}
			finally {
				replicas.forEach(ServiceProcess::close);
			}
		}
	}

	private static int healed(FakeOktaOrg okta, List<String> users) {
		return (int) users.stream()
			.filter(u -> okta.factors(u).stream().noneMatch(f -> f.status().equals("PENDING_ACTIVATION")))
			.count();
	}

	private static void deliver(ServiceProcess replica, String user) throws Exception {
		HttpResponse<String> answer = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(replica.url("/hooks/okta"))
				.header("Content-Type", "application/json")
				.header("Authorization", SECRET)
				.POST(HttpRequest.BodyPublishers.ofByteArray(Deliveries.delivery(Deliveries.newUuid(),
						List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user)))))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).isEqualTo(200);
	}

	private static Set<String> ended(StandaloneKafka kafka) {
		Set<String> ended = sourceEvents(kafka, "okta.remediation.results");
		ended.addAll(sourceEvents(kafka, "okta.remediation.requests.dlq"));
		return ended;
	}

	private static Set<String> sourceEvents(StandaloneKafka kafka, String topic) {
		Set<String> ids = new HashSet<>();
		TopicDump.values(kafka.bootstrapServers(), topic).forEach(v -> ids.add(v.get("sourceEventUuid").asString()));
		return ids;
	}

	/**
	 * The 60-second window, wherever it starts, that holds the most Okta calls of all
	 * replicas together.
	 */
	private static Window busiestWindow(List<RecordedCall> calls) {
		List<Instant> times = calls.stream().map(RecordedCall::receivedAt).sorted().toList();
		Window busiest = new Window(0, null);
		int from = 0;
		for (int to = 0; to < times.size(); to++) {
			while (!times.get(from).plusSeconds(60).isAfter(times.get(to))) {
				from++;
			}
			if (to - from + 1 > busiest.calls()) {
				busiest = new Window(to - from + 1, times.get(from));
			}
		}
		return busiest;
	}

	private record Window(int calls, Instant from) {
	}

}
