package dev.factorhealer.operations;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks the Prometheus configuration, the alert rules and their unit tests with
 * {@code promtool}, the tool Prometheus itself uses. promtool comes from Debian's
 * {@code prometheus} package; when it is missing and the tests run as root with apt-get,
 * it is installed once. Without it the promtool checks are skipped, except on CI
 * ({@code CI=true}) where they fail.
 */
class MonitoringConfigTests {

	static final Path MONITORING = Path.of("monitoring");

	private static final Duration PROMTOOL_TIMEOUT = Duration.ofMinutes(2);

	private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

	private static Optional<Path> promtool;

	@Test
	void prometheusConfigIsValid() {
		assertSucceeds(promtool(), "check", "config", MONITORING.resolve("prometheus.yml").toString());
	}

	@Test
	void alertRulesAreValid() {
		assertSucceeds(promtool(), "check", "rules", MONITORING.resolve("alerts.yml").toString());
	}

	@Test
	void alertRuleUnitTestsPass() {
		assertSucceeds(promtool(), "test", "rules", MONITORING.resolve("alerts.test.yml").toString());
	}

	@Test
	void dashboardQueriesAreValidPromQl(@TempDir Path dir) throws IOException {
		JsonNode dashboard = JsonMapper.shared()
			.readTree(Files.readString(MONITORING.resolve("grafana/dashboards/okta-factor-healer.json")));
		List<Map<String, Object>> rules = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				Map<String, Object> rule = new LinkedHashMap<>();
				rule.put("record",
						"dashboard:panel_" + panel.path("id").asString() + "_" + target.path("refId").asString());
				rule.put("expr", withGrafanaVariablesReplaced(target.path("expr").asString()));
				rules.add(rule);
			}
		}
		assertThat(rules).isNotEmpty();
		Path file = dir.resolve("dashboard-queries.yml");
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		Files.writeString(file,
				new Yaml(options).dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));
		assertSucceeds(promtool(), "check", "rules", file.toString());
	}

	@Test
	void everyAlertHasSeverityAndOperatorAnnotations() throws IOException {
		List<Map<String, Object>> rules = alertRules();
		assertThat(rules).isNotEmpty();
		for (Map<String, Object> rule : rules) {
			Object name = rule.get("alert");
			Map<?, ?> labels = (Map<?, ?>) rule.get("labels");
			Map<?, ?> annotations = (Map<?, ?>) rule.get("annotations");
			assertThat(labels).as("labels of %s", name).isNotNull();
			assertThat(labels.get("severity")).as("severity of %s", name).isIn("warning", "critical");
			assertThat(annotations).as("annotations of %s", name).isNotNull();
			for (String key : List.of("summary", "description", "runbook_url")) {
				assertThat(annotations.get(key)).as("%s annotation of %s", key, name).asString().isNotBlank();
			}
			String runbook = String.valueOf(annotations.get("runbook_url"));
			assertThat(runbook).as("runbook_url of %s", name)
				.isEqualTo("docs/runbooks.md#" + String.valueOf(name).toLowerCase());
			assertThat(Files.readAllLines(Path.of("docs/runbooks.md"))).as("section of %s in docs/runbooks.md", name)
				.contains("## " + name);
		}
	}

	@Test
	void everyAlertHasAFiringAndASilentTestCase() throws IOException {
		Map<String, Object> tests = new Yaml().load(Files.readString(MONITORING.resolve("alerts.test.yml")));
		assertThat(tests.get("rule_files")).isEqualTo(List.of("alerts.yml"));
		Map<String, int[]> cases = new LinkedHashMap<>();
		for (Object test : (List<?>) tests.get("tests")) {
			for (Object check : (List<?>) ((Map<?, ?>) test).get("alert_rule_test")) {
				Map<?, ?> alertTest = (Map<?, ?>) check;
				List<?> expected = (List<?>) alertTest.get("exp_alerts");
				int[] counts = cases.computeIfAbsent((String) alertTest.get("alertname"), (name) -> new int[2]);
				counts[(expected == null || expected.isEmpty()) ? 1 : 0]++;
			}
		}
		for (Map<String, Object> rule : alertRules()) {
			String name = (String) rule.get("alert");
			int[] counts = cases.getOrDefault(name, new int[2]);
			assertThat(counts[0]).as("test cases where %s fires", name).isPositive();
			assertThat(counts[1]).as("test cases where %s stays silent", name).isPositive();
		}
	}

	static List<Map<String, Object>> alertRules() throws IOException {
		Map<String, Object> file = new Yaml().load(Files.readString(MONITORING.resolve("alerts.yml")));
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Object group : (List<?>) file.get("groups")) {
			for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
				@SuppressWarnings("unchecked")
				Map<String, Object> map = (Map<String, Object>) rule;
				rules.add(map);
			}
		}
		return rules;
	}

	private static String withGrafanaVariablesReplaced(String expr) {
		return expr.replace("$instance", ".*")
			.replace("$__rate_interval", "1m")
			.replace("$__interval", "1m")
			.replace("$__range", "1h");
	}

	private static void assertSucceeds(Path tool, String... args) {
		List<String> command = new ArrayList<>();
		command.add(tool.toString());
		command.addAll(List.of(args));
		Result result = run(command, PROMTOOL_TIMEOUT);
		assertThat(result.exitCode())
			.as("%s exited with %s:%n%s", String.join(" ", command), result.exitCode(), result.output())
			.isZero();
	}

	/** promtool's path; installs it when possible, else skips (fails on CI). */
	static synchronized Path promtool() {
		if (promtool == null) {
			promtool = findOnPath("promtool").or(MonitoringConfigTests::installPromtool);
		}
		if (promtool.isEmpty()) {
			String message = "promtool not found on PATH or at /usr/bin/promtool, and it could not be installed"
					+ " (install Debian's prometheus package: apt-get install prometheus)";
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				fail(message);
			}
			Assumptions.abort(message);
		}
		return promtool.get();
	}

	private static Optional<Path> installPromtool() {
		if (findOnPath("apt-get").isEmpty() || !isRoot()) {
			return Optional.empty();
		}
		long deadline = System.nanoTime() + INSTALL_TIMEOUT.toNanos();
		Result update = run(List.of("apt-get", "update", "-q"), remaining(deadline));
		Result install = run(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "prometheus"),
				remaining(deadline));
		if (update.exitCode() != 0 || install.exitCode() != 0) {
			System.err.println("Installing promtool failed:\n" + update.output() + install.output());
		}
		// Only promtool is wanted: stop the daemon the package may have started.
		if (findOnPath("systemctl").isPresent()
				&& run(List.of("systemctl", "is-active", "--quiet", "prometheus"), Duration.ofSeconds(30))
					.exitCode() == 0) {
			run(List.of("systemctl", "stop", "prometheus"), Duration.ofSeconds(60));
		}
		return findOnPath("promtool");
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1)));
	}

	private static boolean isRoot() {
		Result id = run(List.of("id", "-u"), Duration.ofSeconds(10));
		return id.exitCode() == 0 && id.output().trim().equals("0");
	}

	static Optional<Path> findOnPath(String name) {
		String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
		return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/bin", "/usr/sbin"))
			.filter((dir) -> !dir.isBlank())
			.map((dir) -> Path.of(dir, name))
			.filter(Files::isExecutable)
			.findFirst();
	}

	/**
	 * Runs a command, merging stderr into stdout; exit code -1 when it could not run or
	 * timed out.
	 */
	static Result run(List<String> command, Duration timeout) {
		return run(command, null, timeout);
	}

	static Result run(List<String> command, Path workingDirectory, Duration timeout) {
		try {
			Path log = Files.createTempFile("command", ".log");
			try {
				ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(log.toFile());
				builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
				if (workingDirectory != null) {
					builder.directory(workingDirectory.toFile());
				}
				Process process = builder.start();
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
					return new Result(-1, new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
							+ "\n(timed out after " + timeout.toSeconds() + " s)");
				}
				return new Result(process.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
			}
			finally {
				Files.deleteIfExists(log);
			}
		}
		catch (IOException ex) {
			return new Result(-1, String.join(" ", command) + ": " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result(-1, String.join(" ", command) + ": interrupted");
		}
	}

	record Result(int exitCode, String output) {
	}

}
