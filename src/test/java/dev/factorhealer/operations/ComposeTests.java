package dev.factorhealer.operations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.factorhealer.operations.MonitoringConfigTests.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that docker-compose.yml, the Dockerfile, .env.example and the Prometheus scrape
 * configuration agree with each other: service names, ports, Kafka's advertised listener,
 * mounts and the settings named in docs/architecture.md. {@code docker-compose config}
 * validates the file itself where a compose binary exists.
 */
class ComposeTests {

	static final String GRAFANA_DASHBOARDS = "/var/lib/grafana/dashboards";

	/** Environment names of the settings listed in docs/architecture.md. */
	private static final Set<String> DESIGN_SETTINGS = Set.of("OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN",
			"HEALER_HOOK_SECRETS", "HEALER_REMEDIATION_MODE", "SPRING_KAFKA_BOOTSTRAP_SERVERS",
			"OKTA_TESTING_DISABLEHTTPSCHECK", "HEALER_OKTA_REQUESTSPERMINUTE", "HEALER_REMEDIATION_PAUSEAFTERDELETE",
			"HEALER_REMEDIATION_MAXDELETIONSPERHOUR", "HEALER_ADMIN_TOKEN");

	private static final Set<String> DEPLOYMENT_SETTINGS = Set.of("OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN",
			"HEALER_HOOK_SECRETS", "HEALER_REMEDIATION_MODE", "HEALER_OKTA_REQUESTSPERMINUTE",
			"HEALER_REMEDIATION_PAUSEAFTERDELETE", "HEALER_REMEDIATION_MAXDELETIONSPERHOUR", "HEALER_ADMIN_TOKEN",
			"GRAFANA_ADMIN_PASSWORD");

	private static final Pattern ENV_LINE = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$");

	private final Map<String, Object> compose = readYaml(Path.of("docker-compose.yml"));

	@Test
	void composeFileIsValid(@TempDir Path dir) throws IOException {
		List<String> compose = composeCommand();
		Assumptions.assumeFalse(compose.isEmpty(), "neither docker-compose nor docker compose is installed");
		Files.copy(Path.of("docker-compose.yml"), dir.resolve("docker-compose.yml"));
		Files.copy(Path.of("Dockerfile"), dir.resolve("Dockerfile"));
		Files.copy(Path.of(".env.example"), dir.resolve(".env"));
		Files.createDirectories(dir.resolve("config"));
		Files.createDirectories(dir.resolve("monitoring"));
		List<String> command = new ArrayList<>(compose);
		command.addAll(List.of("-f", "docker-compose.yml", "config", "-q"));
		MonitoringConfigTests.Result result = MonitoringConfigTests.run(command, dir, Duration.ofMinutes(1));
		assertThat(result.exitCode())
			.as("%s exited with %s:%n%s", String.join(" ", command), result.exitCode(), result.output())
			.isZero();
	}

	@Test
	void composeRunsKafkaTheHealerPrometheusAndGrafana() {
		assertThat(services()).containsKeys("kafka", "healer", "prometheus", "grafana");
		for (String name : List.of("kafka", "prometheus", "grafana")) {
			assertThat((String) service(name).get("image")).as("image of %s", name)
				.matches("[^:]+:[0-9v][^:]*")
				.doesNotEndWith(":latest");
		}
		assertThat(service("kafka").get("image")).isEqualTo("apache/kafka:4.1.1");
		assertThat((String) service("prometheus").get("image")).startsWith("prom/prometheus:v3.");
		assertThat((String) service("grafana").get("image")).startsWith("grafana/grafana:12.");
	}

	@Test
	void healerPublishesOnlyTheHookPortAndReadsItsConfigDirectory() {
		Map<String, Object> healer = service("healer");
		assertThat(healer.get("build")).isEqualTo(".");
		assertThat(ports(healer)).containsExactly(Map.entry(8080, 8080));
		assertThat(exposed(healer)).containsExactly(8081);
		assertThat(healer.get("working_dir")).isEqualTo("/app");
		assertThat(volumes(healer)).containsEntry("/app/config", "./config");
		Map<?, ?> kafka = (Map<?, ?>) ((Map<?, ?>) healer.get("depends_on")).get("kafka");
		assertThat(kafka.get("condition")).isEqualTo("service_healthy");
		assertThat(healthcheck(healer)).contains("http://localhost:8081/actuator/health");
	}

	@Test
	void theHealerGetsOnlyItsOwnSecretsAndEveryContainerAMemoryLimit() {
		Map<String, Object> healer = service("healer");
		assertThat(healer).as("the whole .env would hand Grafana's password to the healer")
			.doesNotContainKey("env_file");
		assertThat(environment(healer)).doesNotContainKey("GRAFANA_ADMIN_PASSWORD")
			.allSatisfy((key, value) -> assertThat(value).doesNotContain("GRAFANA"));
		for (String secret : List.of("OKTA_CLIENT_TOKEN", "HEALER_HOOK_SECRETS", "HEALER_ADMIN_TOKEN")) {
			assertThat(environment(healer).get(secret)).as(secret).startsWith("${" + secret + ":?");
		}
		assertThat(environment(healer)).containsEntry("HEALER_TOPICS_REPLICATIONFACTOR", "1");
		for (String name : List.of("kafka", "healer", "prometheus", "grafana")) {
			assertThat(String.valueOf(service(name).get("mem_limit"))).as("mem_limit of %s", name).matches("\\d+[mg]");
		}
		String grace = String.valueOf(healer.get("stop_grace_period"));
		assertThat(grace).matches("\\d+s");
		assertThat(Integer.parseInt(grace.replace("s", ""))).as("longer than healer.remediation.request-timeout (3m)")
			.isGreaterThan(180);
	}

	@Test
	void healerBootstrapServersPointAtKafkasAdvertisedListener() {
		Map<String, String> kafka = environment(service("kafka"));
		assertThat(kafka).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
		assertThat(kafka.get("KAFKA_LISTENERS")).contains("PLAINTEXT://:9092", "CONTROLLER://:9093");
		assertThat(kafka).containsKeys("KAFKA_NODE_ID", "KAFKA_CONTROLLER_QUORUM_VOTERS");
		assertThat(kafka).containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
			.containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
		assertThat(healthcheck(service("kafka"))).contains("/opt/kafka/bin/kafka-broker-api-versions.sh",
				"--bootstrap-server localhost:9092");

		Matcher advertised = Pattern.compile("PLAINTEXT://([^:,]+):(\\d+)")
			.matcher(kafka.get("KAFKA_ADVERTISED_LISTENERS"));
		assertThat(advertised.find()).as("PLAINTEXT advertised listener").isTrue();
		assertThat(advertised.group(1)).as("advertised host is the kafka service").isEqualTo("kafka");
		assertThat(environment(service("healer"))).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS",
				advertised.group(1) + ":" + advertised.group(2));
	}

	@Test
	void prometheusScrapesTheHealerServiceOnItsContainerPort() {
		Map<String, Object> prometheus = readYaml(MONITORING.resolve("prometheus.yml"));
		Map<?, ?> job = ((List<?>) prometheus.get("scrape_configs")).stream()
			.map(Map.class::cast)
			.filter((config) -> "okta-factor-healer".equals(config.get("job_name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no scrape job okta-factor-healer in prometheus.yml"));
		assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
		assertThat(job.get("scrape_interval")).isEqualTo("15s");
		List<?> staticConfigs = (List<?>) job.get("static_configs");
		List<?> targets = (List<?>) ((Map<?, ?>) staticConfigs.get(0)).get("targets");
		assertThat(targets).hasSize(1);
		String[] target = String.valueOf(targets.get(0)).split(":");
		assertThat(target[0]).as("scraped host is the healer service").isEqualTo("healer");
		assertThat(services()).containsKey(target[0]);
		assertThat(exposed(service("healer"))).as("management port of the healer, inside the compose network")
			.contains(Integer.valueOf(target[1]));
	}

	@Test
	void prometheusAndGrafanaMountTheMonitoringFiles() {
		Map<String, String> prometheus = volumes(service("prometheus"));
		assertThat(prometheus).containsEntry("/etc/prometheus/prometheus.yml", "./monitoring/prometheus.yml");
		List<?> ruleFiles = (List<?>) readYaml(MONITORING.resolve("prometheus.yml")).get("rule_files");
		for (Object ruleFile : ruleFiles) {
			assertThat(prometheus).as("rule file %s next to prometheus.yml in the container", ruleFile)
				.containsEntry("/etc/prometheus/" + ruleFile, "./monitoring/" + ruleFile);
		}
		assertThat(ports(service("prometheus"))).containsEntry(9090, 9090);

		Map<String, Object> grafana = service("grafana");
		assertThat(volumes(grafana)).containsEntry("/etc/grafana/provisioning", "./monitoring/grafana/provisioning")
			.containsEntry(GRAFANA_DASHBOARDS, "./monitoring/grafana/dashboards");
		assertThat(ports(grafana)).containsEntry(3000, 3000);
		Map<String, String> environment = environment(grafana);
		assertThat(environment).containsEntry("GF_AUTH_ANONYMOUS_ENABLED", "false");
		assertThat(environment.get("GF_SECURITY_ADMIN_PASSWORD")).startsWith("${GRAFANA_ADMIN_PASSWORD:?");
	}

	@Test
	void envExampleHoldsOnlyTheDesignSettingsWithASafeMode() throws IOException {
		Map<String, String> example = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of(".env.example"))) {
			String trimmed = line.strip();
			if (trimmed.isEmpty() || trimmed.startsWith("#")) {
				continue;
			}
			Matcher matcher = ENV_LINE.matcher(trimmed);
			assertThat(matcher.matches()).as(".env.example line %s", line).isTrue();
			example.put(matcher.group(1), matcher.group(2));
		}
		assertThat(example.keySet()).containsAll(DEPLOYMENT_SETTINGS);
		assertThat(example.keySet())
			.allSatisfy((key) -> assertThat(DESIGN_SETTINGS.contains(key) || key.equals("GRAFANA_ADMIN_PASSWORD"))
				.as("%s is a documented setting (docs/architecture.md)", key)
				.isTrue());
		assertThat(example).containsEntry("HEALER_REMEDIATION_MODE", "dry-run");
	}

	@Test
	void dockerfileBuildsWithTheWrapperAndRunsTheBootJarAsNonRoot() throws IOException {
		List<String> lines = Files.readAllLines(Path.of("Dockerfile"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		assertThat(lines).filteredOn((line) -> line.startsWith("FROM "))
			.hasSize(2)
			.first()
			.as("the source is Java 17")
			.isEqualTo("FROM maven:3.9.11-eclipse-temurin-17 AS build");
		assertThat(String.join("\n", lines)).contains("./mvnw -B -DskipTests package")
			.contains("-Djarmode=tools -jar /build/app.jar extract --layers --destination /build/extracted")
			.contains("COPY --from=build /build/extracted/dependencies/ ./")
			.contains("COPY --from=build /build/extracted/application/ ./")
			.contains("EXPOSE 8080 8081")
			.contains("http://localhost:8081/actuator/health");
		List<String> users = lines.stream().filter((line) -> line.startsWith("USER ")).toList();
		assertThat(users).isNotEmpty();
		assertThat(users.get(users.size() - 1)).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
		assertThat(lines.get(lines.size() - 1))
			.as("the base image's CA entrypoint, then the extracted jar (DockerfileTests)")
			.isEqualTo(
					"ENTRYPOINT [\"/__cacert_entrypoint.sh\",\"java\",\"@jvm.options\",\"-XX:AOTCache=app.aot\",\"-jar\",\"app.jar\"]");
		assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("target/", ".env", ".git/");
	}

	private static List<String> composeCommand() {
		Optional<Path> standalone = MonitoringConfigTests.findOnPath("docker-compose");
		if (standalone.isPresent()) {
			return List.of(standalone.get().toString());
		}
		Optional<Path> docker = MonitoringConfigTests.findOnPath("docker");
		if (docker.isPresent() && MonitoringConfigTests
			.run(List.of(docker.get().toString(), "compose", "version"), Duration.ofSeconds(30))
			.exitCode() == 0) {
			return List.of(docker.get().toString(), "compose");
		}
		return List.of();
	}

	private Map<String, Object> services() {
		@SuppressWarnings("unchecked")
		Map<String, Object> services = (Map<String, Object>) this.compose.get("services");
		return services;
	}

	private Map<String, Object> service(String name) {
		@SuppressWarnings("unchecked")
		Map<String, Object> service = (Map<String, Object>) services().get(name);
		assertThat(service).as("service %s", name).isNotNull();
		return service;
	}

	/**
	 * Environment in either compose syntax (map or list of KEY=value), values as strings.
	 */
	private static Map<String, String> environment(Map<String, Object> service) {
		Map<String, String> environment = new LinkedHashMap<>();
		Object value = service.get("environment");
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, entry) -> environment.put(String.valueOf(key), String.valueOf(entry)));
		}
		else if (value instanceof List<?> list) {
			for (Object entry : list) {
				String[] parts = String.valueOf(entry).split("=", 2);
				environment.put(parts[0], (parts.length > 1) ? parts[1] : "");
			}
		}
		return environment;
	}

	/**
	 * Published port to container port, from short ("[ip:]host:container[/proto]") or
	 * long syntax.
	 */
	private static Map<Integer, Integer> ports(Map<String, Object> service) {
		Map<Integer, Integer> ports = new LinkedHashMap<>();
		for (Object entry : (List<?>) service.getOrDefault("ports", List.of())) {
			if (entry instanceof Map<?, ?> map) {
				ports.put(Integer.valueOf(String.valueOf(map.get("published"))),
						Integer.valueOf(String.valueOf(map.get("target"))));
			}
			else {
				String[] parts = String.valueOf(entry).replaceAll("/(tcp|udp)$", "").split(":");
				ports.put(Integer.valueOf(parts[parts.length - 2]), Integer.valueOf(parts[parts.length - 1]));
			}
		}
		return ports;
	}

	/** Ports reachable inside the compose network only ({@code expose}). */
	private static List<Integer> exposed(Map<String, Object> service) {
		return ((List<?>) service.getOrDefault("expose", List.of())).stream()
			.map((port) -> Integer.valueOf(String.valueOf(port)))
			.toList();
	}

	/** Mount target to source, for short-syntax volumes ("source:target[:mode]"). */
	private static Map<String, String> volumes(Map<String, Object> service) {
		Map<String, String> volumes = new LinkedHashMap<>();
		for (Object entry : (List<?>) service.getOrDefault("volumes", List.of())) {
			String[] parts = String.valueOf(entry).split(":");
			volumes.put(parts[1], parts[0]);
		}
		return volumes;
	}

	private static String healthcheck(Map<String, Object> service) {
		Object test = ((Map<?, ?>) service.get("healthcheck")).get("test");
		return (test instanceof List<?> list) ? String.join(" ", list.stream().map(String::valueOf).toList())
				: String.valueOf(test);
	}

	private static Map<String, Object> readYaml(Path file) {
		try {
			return DashboardTests.readYaml(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + file, ex);
		}
	}

}
