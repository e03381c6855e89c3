package dev.factorhealer.operations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.support.ChildProcesses;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What operators see: after driving events through the pipeline, every meter of
 * docs/architecture.md is on {@code /actuator/prometheus} with the value that matches
 * what happened, and a real Prometheus scraping the service finds a series for every
 * query of every dashboard panel.
 */
class MetricsIntegrationTests extends IntegrationTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void everyMeterMovesWithWhatHappened() {
		Map<String, Double> before = scrape();
		String healed = okta().seedStuckUsers(1).get(0);
		String failing = okta().seedStuckUsers(1).get(0);
		String stuckEvent = Deliveries.stuckSmsEvent(Deliveries.newUuid(), healed);

		try (TopicProbe results = TopicProbe.open("okta.remediation.results");
				TopicProbe stuck = TopicProbe.open("okta.remediation.requests.dlq")) {
			assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(),
					List.of(stuckEvent, Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId()),
							Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId()))),
					SECRET)
				.statusCode()).isEqualTo(200);
			Results.awaitForUser(results, healed, 1);
			assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(stuckEvent)), SECRET).statusCode())
				.isEqualTo(200);
			assertThat(postHook("{}".getBytes(StandardCharsets.UTF_8), SECRET).statusCode()).isEqualTo(400);
			assertThat(postHook("{}".getBytes(StandardCharsets.UTF_8), "wrong").statusCode()).isEqualTo(401);
			okta().throttleNextWithReset(Duration.ofSeconds(1));
			okta().failNext(1, 403);
			postHook(Deliveries.delivery(Deliveries.newUuid(),
					List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), failing))), SECRET);
			stuck.awaitRecords(1, r -> failing.equals(r.key()));
			send(HttpRequest.newBuilder(managementUrl("/admin/replay"))
				.header("Authorization", "Bearer " + ADMIN_TOKEN)
				.POST(HttpRequest.BodyPublishers
					.ofString("{\"topic\":\"okta.remediation.requests.dlq\",\"userId\":\"" + failing + "\"}"))
				.build());
			Results.awaitForUser(results, failing, 2);
		}
		finally {
			okta().recover();
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			Map<String, Double> after = scrape();
			Delta delta = new Delta(before, after);
			assertThat(delta.of("healer_hook_requests_total", "outcome=\"accepted\"")).isEqualTo(3);
			assertThat(delta.of("healer_hook_requests_total", "outcome=\"invalid\"")).isEqualTo(1);
			assertThat(delta.of("healer_hook_requests_total", "outcome=\"unauthorized\"")).isEqualTo(1);
			assertThat(delta.of("healer_hook_events_total")).isEqualTo(5);
			assertThat(delta.of("healer_hook_publish_seconds_count")).isEqualTo(3);
			assertThat(delta.of("healer_detection_matches_total", "rule=\"user-factor-not-found\"")).isEqualTo(2);
			assertThat(delta.of("healer_detection_duplicates_total", "reason=\"event\"")).isEqualTo(1);
			assertThat(delta.of("healer_remediation_outcomes_total", "outcome=\"DELETED\"")).isEqualTo(2);
			assertThat(delta.of("healer_remediation_outcomes_total", "outcome=\"FAILED\"")).isEqualTo(1);
			assertThat(delta.of("healer_remediation_latency_seconds_count")).isEqualTo(3);
			assertThat(delta.of("healer_okta_requests_seconds_count", "operation=\"delete_factor\"", "status=\"204\""))
				.isEqualTo(2);
			assertThat(delta.of("healer_okta_requests_seconds_count", "operation=\"list_factors\"", "status=\"403\""))
				.isEqualTo(1);
			assertThat(delta.of("healer_okta_throttled_total")).isEqualTo(1);
			assertThat(after.entrySet()
				.stream()
				.filter(e -> e.getKey().startsWith("healer_okta_rate_limit_remaining{")
						&& e.getKey().contains("bucket=\"factors\""))
				.map(Map.Entry::getValue)).allSatisfy(v -> assertThat(v).isBetween(0.0, 600.0)).isNotEmpty();
			assertThat(delta.of("healer_deadletter_records_total", "topic=\"okta.remediation.requests.dlq\""))
				.isEqualTo(1);
			assertThat(delta.of("healer_replay_records_total", "result=\"replayed\"")).isEqualTo(1);
			assertThat(after.entrySet()
				.stream()
				.filter(e -> e.getKey().startsWith("healer_okta_rate_limit_limit{")
						&& e.getKey().contains("bucket=\"factors\""))
				.map(Map.Entry::getValue)).allSatisfy(v -> assertThat(v).isPositive()).isNotEmpty();
			assertThat(after.keySet()).anyMatch(k -> k.startsWith("healer_remediation_capped_total"));
			assertThat(after.keySet()).anyMatch(k -> k.startsWith("resilience4j_circuitbreaker_state"));
			assertThat(after.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
			// the hook's own servlet keeps the uri tag the dashboard groups by
			assertThat(after.keySet()).anyMatch(k -> k.startsWith("http_server_requests_seconds_count")
					&& k.contains("uri=\"/hooks/okta\"") && k.contains("status=\"200\""));
		});
	}

	@Test
	void aRealPrometheusFindsASeriesForEveryDashboardQuery(@TempDir Path dir) throws Exception {
		Path prometheus = MonitoringConfigTests.promtool().resolveSibling("prometheus");
		assertThat(prometheus).as("Debian's prometheus package brings promtool and prometheus").isExecutable();
		int port = ChildProcesses.freePort();
		Files.writeString(dir.resolve("prometheus.yml"), """
				global:
				  scrape_interval: 1s
				  evaluation_interval: 1s
				rule_files: ['%s']
				scrape_configs:
				  - job_name: okta-factor-healer
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(Path.of("monitoring/alerts.yml").toAbsolutePath(), this.managementPort));
		Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
				"--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
				"--log.level=warn")
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("prometheus.log").toFile())
			.start();
		try {
			driveEverything();
			List<String> queries = dashboardQueries("127.0.0.1:" + this.managementPort);
			Map<String, Integer> series = new HashMap<>();
			// the Prometheus process may not listen yet on the first polls
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofSeconds(2))
				.ignoreExceptionsInstanceOf(UncheckedIOException.class)
				.untilAsserted(() -> {
					for (String query : queries) {
						series.put(query, seriesFor(port, query));
					}
					assertThat(series).as("series per dashboard query")
						.allSatisfy((q, n) -> assertThat(n).as(q).isPositive());
				});
			System.out.printf("SCENARIO dashboard: %d queries, every one answered by a real Prometheus with at least "
					+ "one series%n", queries.size());
		}
		finally {
			server.destroyForcibly();
		}
	}

	private void driveEverything() {
		String user = okta().seedStuckUsers(1).get(0);
		okta().appendStuckSmsEvent(okta().seedStuckUsers(1).get(0));
		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);
		send(HttpRequest.newBuilder(managementUrl("/admin/replay"))
			.header("Authorization", "Bearer " + ADMIN_TOKEN)
			.POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"okta.events.dlq\",\"max\":1}"))
			.build());
	}

	private static List<String> dashboardQueries(String instance) throws IOException {
		JsonNode dashboard = json.readTree(Path.of("monitoring/grafana/dashboards/okta-factor-healer.json").toFile());
		List<String> queries = new ArrayList<>();
		for (JsonNode panel : dashboard.get("panels")) {
			JsonNode targets = panel.get("targets");
			if (targets != null) {
				// the dashboard's variables applied: this replica as the instance, a 1m
				// rate interval
				targets.forEach(t -> queries
					.add(t.get("expr").asString().replace("$__rate_interval", "1m").replace("$instance", instance)));
			}
		}
		return queries;
	}

	private static int seriesFor(int port, String query) {
		var response = send(HttpRequest.newBuilder(URI.create(
				"http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
			.build());
		if (response.statusCode() != 200) {
			return 0;
		}
		return json.readTree(response.body()).get("data").get("result").size();
	}

	private Map<String, Double> scrape() {
		String body = send(HttpRequest.newBuilder(managementUrl("/actuator/prometheus")).build()).body();
		Map<String, Double> values = new HashMap<>();
		for (String line : body.lines().toList()) {
			if (line.startsWith("#") || line.isBlank()) {
				continue;
			}
			int space = line.lastIndexOf(' ');
			values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
		}
		return values;
	}

	/**
	 * How much the series of a metric with the given labels moved, summed over the other
	 * labels.
	 */
	private record Delta(Map<String, Double> before, Map<String, Double> after) {

		double of(String name, String... labels) {
			return sum(this.after, name, labels) - sum(this.before, name, labels);
		}

		private static double sum(Map<String, Double> values, String name, String... labels) {
			return values.entrySet()
				.stream()
				.filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
				.filter(e -> List.of(labels).stream().allMatch(l -> e.getKey().contains(l)))
				.mapToDouble(Map.Entry::getValue)
				.sum();
		}

	}

}
