package dev.factorhealer.operations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.factorhealer.operations.MonitoringConfigTests.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the Grafana dashboard and its provisioning, and that the dashboard and the alert
 * rules use only the metric names the service and its libraries export
 * (docs/architecture.md's table plus the library metrics below), so that a typo in a
 * query is caught here rather than by an empty panel.
 */
class DashboardTests {

	private static final Path DASHBOARD = MONITORING.resolve("grafana/dashboards/okta-factor-healer.json");

	/** Counters (with their {@code _total}) and gauges, by Prometheus name. */
	private static final Set<String> SIMPLE_METRICS = Set.of("healer_hook_requests_total", "healer_hook_events_total",
			"healer_detection_matches_total", "healer_detection_duplicates_total", "healer_detection_ignored_total",
			"healer_remediation_outcomes_total", "healer_okta_rate_limit_remaining", "healer_okta_throttled_total",
			"healer_deadletter_records_total", "healer_replay_records_total", "healer_remediation_capped_total",
			"healer_systemlog_events_total", "healer_systemlog_lag_seconds", "healer_systemlog_polls_total",
			"resilience4j_circuitbreaker_state", "resilience4j_ratelimiter_available_permissions",
			"spring_cloud_stream_binder_kafka_offset", "kafka_consumer_fetch_manager_records_lag_max",
			"jvm_memory_used_bytes", "http_server_requests_seconds_count", "healer_remediation_mode",
			"healer_remediation_mode_changes_total", "up", "healer_okta_rate_limit_limit",
			"healer_followup_outcomes_total", "healer_followup_reenrollment_rate",
			"healer_followup_repeat_failure_rate", "healer_followup_recent", "healer_followup_open",
			"healer_remediation_brake_engaged", "healer_remediation_brake_trips_total");

	/**
	 * Histograms (Micrometer timers), exported as {@code _bucket}, {@code _count},
	 * {@code _sum}, {@code _max}.
	 */
	private static final Set<String> HISTOGRAMS = Set.of("healer_hook_publish_seconds",
			"healer_remediation_latency_seconds", "healer_okta_requests_seconds",
			"healer_followup_time_to_heal_seconds", "healer_followup_time_to_working_sms_seconds");

	static final Set<String> ALLOWED_METRICS = Stream
		.concat(SIMPLE_METRICS.stream(),
				HISTOGRAMS.stream()
					.flatMap((name) -> Stream.of("_bucket", "_count", "_sum", "_max").map((suffix) -> name + suffix)))
		.collect(Collectors.toUnmodifiableSet());

	private static final Set<String> PROMQL_KEYWORDS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
			"count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio", "by", "without", "on",
			"ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "atan2", "start", "end",
			"inf", "nan", "Inf", "NaN");

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

	private static final Pattern LABEL_LIST = Pattern
		.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:.$])[A-Za-z_:][A-Za-z0-9_:]*");

	private final JsonNode dashboard = readJson(DASHBOARD);

	@Test
	void dashboardIsIdentifiedForProvisioning() {
		assertThat(this.dashboard.path("uid").asString()).isEqualTo("okta-factor-healer");
		assertThat(this.dashboard.path("title").asString()).isNotBlank();
		assertThat(this.dashboard.path("schemaVersion").asInt()).isEqualTo(39);
		assertThat(this.dashboard.path("panels").size()).isGreaterThan(10);
	}

	@Test
	void everyPanelHasATitleThePrometheusDatasourceAndAQuery() {
		Set<Integer> ids = new HashSet<>();
		for (JsonNode panel : this.dashboard.path("panels")) {
			String title = panel.path("title").asString("");
			assertThat(title).as("panel %s title", panel.path("id")).isNotBlank();
			assertThat(ids.add(panel.path("id").asInt())).as("unique id of panel %s", title).isTrue();
			if (panel.path("type").asString().equals("row")) {
				continue; // a row only groups the panels below it
			}
			assertThat(panel.path("type").asString()).as("type of panel %s", title)
				.isIn("timeseries", "stat", "state-timeline");
			assertThat(panel.path("datasource").path("uid").asString()).as("datasource of panel %s", title)
				.isEqualTo("${datasource}");
			JsonNode grid = panel.path("gridPos");
			assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("width of panel %s", title).isBetween(1, 24);
			assertThat(grid.path("h").asInt()).as("height of panel %s", title).isPositive();
			assertThat(panel.path("targets").size()).as("queries of panel %s", title).isPositive();
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.path("expr").asString("")).as("query %s of panel %s", target.path("refId"), title)
					.isNotBlank();
				if (target.has("datasource")) {
					assertThat(target.path("datasource").path("uid").asString())
						.as("datasource of query %s of panel %s", target.path("refId"), title)
						.isEqualTo("${datasource}");
				}
			}
		}
	}

	@Test
	void theDashboardImportsAnywhereAndEveryQueryFollowsTheInstanceVariable() {
		Map<String, JsonNode> variables = new LinkedHashMap<>();
		this.dashboard.path("templating")
			.path("list")
			.forEach((variable) -> variables.put(variable.path("name").asString(), variable));
		assertThat(variables).containsKeys("datasource", "instance");
		assertThat(variables.get("datasource").path("type").asString()).isEqualTo("datasource");
		assertThat(variables.get("datasource").path("query").asString()).isEqualTo("prometheus");
		assertThat(variables.get("instance").path("includeAll").asBoolean()).isTrue();
		assertThat(variables.get("instance").path("datasource").path("uid").asString()).isEqualTo("${datasource}");
		assertThat(this.dashboard.toString()).as("no hard-coded datasource uid")
			.doesNotContain("\"uid\":\"prometheus\"");
		for (Map.Entry<String, String> query : dashboardQueries().entrySet()) {
			String expr = query.getValue();
			assertThat(expr).as(query.getKey()).contains("instance=~\"$instance\"");
			int metrics = 0;
			Matcher names = Pattern
				.compile("\\b(?:healer|resilience4j|spring|kafka|jvm|http)_[A-Za-z0-9_]*(\\{[^}]*})?|\\bup\\{[^}]*}")
				.matcher(expr);
			while (names.find()) {
				metrics++;
				assertThat(names.group()).as("selector in %s", query.getKey()).contains("instance=~\"$instance\"");
			}
			assertThat(metrics).as(query.getKey()).isPositive();
		}
	}

	@Test
	void dashboardQueriesUseOnlyKnownMetrics() {
		Map<String, Set<String>> unknown = new LinkedHashMap<>();
		for (Map.Entry<String, String> query : dashboardQueries().entrySet()) {
			Set<String> names = metricNames(query.getValue());
			assertThat(names).as("metrics in %s: %s", query.getKey(), query.getValue()).isNotEmpty();
			names.removeAll(ALLOWED_METRICS);
			if (!names.isEmpty()) {
				unknown.put(query.getKey(), names);
			}
		}
		assertThat(unknown).as("queries using metric names outside the allow-list").isEmpty();
	}

	@Test
	void dashboardShowsEveryKnownMetric() {
		Set<String> used = dashboardQueries().values()
			.stream()
			.flatMap((expr) -> metricNames(expr).stream())
			.collect(Collectors.toSet());
		Set<String> missing = new TreeSet<>();
		SIMPLE_METRICS.stream().filter((name) -> !used.contains(name)).forEach(missing::add);
		HISTOGRAMS.stream()
			.filter((name) -> used.stream().noneMatch((metric) -> metric.startsWith(name + "_")))
			.forEach(missing::add);
		assertThat(missing).as("metrics no panel shows").isEmpty();
	}

	@Test
	void alertRulesUseOnlyKnownMetrics() throws IOException {
		Map<String, Set<String>> unknown = new LinkedHashMap<>();
		for (Map<String, Object> rule : MonitoringConfigTests.alertRules()) {
			String expr = (String) rule.get("expr");
			Set<String> names = metricNames(expr);
			assertThat(names).as("metrics in alert %s", rule.get("alert")).isNotEmpty();
			names.removeAll(ALLOWED_METRICS);
			if (!names.isEmpty()) {
				unknown.put((String) rule.get("alert"), names);
			}
		}
		assertThat(unknown).as("alerts using metric names outside the allow-list").isEmpty();
	}

	@Test
	void metricNameExtractionIgnoresFunctionsLabelsAndVariablesButCatchesTypos() {
		assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(healer_hook_publish_seconds_bucket[5m])))"))
			.containsExactly("healer_hook_publish_seconds_bucket");
		assertThat(metricNames("max by (group, topic) (spring_cloud_stream_binder_kafka_offset) or on () "
				+ "max by (topic) (kafka_consumer_fetch_manager_records_lag_max{topic!=\"\"}) > 1e3"))
			.containsExactlyInAnyOrder("spring_cloud_stream_binder_kafka_offset",
					"kafka_consumer_fetch_manager_records_lag_max");
		assertThat(metricNames("absent(jvm_memory_used_bytes{job=\"okta-factor-healer\"}) and on () up offset 5m"))
			.containsExactlyInAnyOrder("jvm_memory_used_bytes", "up");
		assertThat(metricNames("label_replace(healer_okta_rate_limit_remaining, \"x\", \"$1\", \"y\", \"(.*)\")"))
			.containsExactly("healer_okta_rate_limit_remaining");
		Set<String> typo = metricNames(
				"sum by (outcome) (rate(healer_hook_request_total{outcome=\"accepted\"}[$__rate_interval]))");
		assertThat(typo).containsExactly("healer_hook_request_total");
		assertThat(ALLOWED_METRICS).doesNotContainAnyElementsOf(typo);
	}

	@Test
	void grafanaProvisionsThePrometheusDatasourceAndTheDashboardFolder() throws IOException {
		Map<String, Object> datasources = readYaml(
				MONITORING.resolve("grafana/provisioning/datasources/prometheus.yml"));
		List<?> sources = (List<?>) datasources.get("datasources");
		assertThat(sources).hasSize(1);
		Map<?, ?> prometheus = (Map<?, ?>) sources.get(0);
		assertThat(prometheus.get("type")).isEqualTo("prometheus");
		assertThat(prometheus.get("uid")).isEqualTo("prometheus");
		assertThat(prometheus.get("url")).isEqualTo("http://prometheus:9090");

		Map<String, Object> dashboards = readYaml(MONITORING.resolve("grafana/provisioning/dashboards/dashboards.yml"));
		List<?> providers = (List<?>) dashboards.get("providers");
		assertThat(providers).hasSize(1);
		Map<?, ?> provider = (Map<?, ?>) providers.get(0);
		assertThat(provider.get("type")).isEqualTo("file");
		assertThat(((Map<?, ?>) provider.get("options")).get("path")).isEqualTo(ComposeTests.GRAFANA_DASHBOARDS);
	}

	/**
	 * Metric names used in a PromQL expression (identifiers that are not functions or
	 * keywords).
	 */
	static Set<String> metricNames(String expr) {
		String stripped = STRING.matcher(expr).replaceAll("\"\"");
		stripped = stripped.replaceAll("\\{[^}]*}", "{}").replaceAll("\\[[^\\]]*]", "[]");
		stripped = LABEL_LIST.matcher(stripped).replaceAll("$1 ");
		Set<String> names = new TreeSet<>();
		Matcher matcher = IDENTIFIER.matcher(stripped);
		while (matcher.find()) {
			String rest = stripped.substring(matcher.end()).stripLeading();
			boolean functionCall = rest.startsWith("(");
			if (!functionCall && !PROMQL_KEYWORDS.contains(matcher.group())) {
				names.add(matcher.group());
			}
		}
		return names;
	}

	private Map<String, String> dashboardQueries() {
		Map<String, String> queries = new LinkedHashMap<>();
		for (JsonNode panel : this.dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				queries.put(panel.path("title").asString() + " / " + target.path("refId").asString(),
						target.path("expr").asString());
			}
		}
		return queries;
	}

	static Map<String, Object> readYaml(Path file) throws IOException {
		return new Yaml().load(Files.readString(file));
	}

	private static JsonNode readJson(Path file) {
		try {
			return JsonMapper.shared().readTree(Files.readString(file));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + file, ex);
		}
	}

}
