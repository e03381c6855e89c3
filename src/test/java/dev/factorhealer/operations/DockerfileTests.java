package dev.factorhealer.operations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's start-up and memory measures, and that the benchmark measures what ships:
 * the training run and the ENTRYPOINT use the same JVM options file (deploy/jvm.options,
 * the one place JVM options are set), the same jar and the same AOT cache; compose and
 * Kubernetes don't override them; the heap fits the container limit that the benchmark
 * gives the JVM. The benchmark ({@code ImageRun}) reads the Dockerfile with
 * {@link ShippedImage}, as these tests do.
 */
class DockerfileTests {

	private static final Path ROOT = Path.of("");

	private final ShippedImage image = ShippedImage.read(ROOT);

	@Test
	void runtimeIsJava25WithTheAotCacheOfItsOwnTrainingRun() {
		assertThat(this.image.runtimeImage()).as("pinned, a JRE of the release the AOT cache is made with")
			.matches("eclipse-temurin:25\\.\\d+\\.\\d+_\\d+-jre-noble");
		assertThat(this.image.javaRelease()).isEqualTo(25);
		assertThat(this.image.extractArguments()).as("jars, not a launcher layout: the AOT cache holds classes of jars")
			.startsWith("extract", "--layers")
			.doesNotContain("--launcher");
		assertThat(this.image.layers()).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies",
				"application");

		List<String> training = this.image.trainingJvmArguments();
		List<String> runtime = this.image.runtimeJvmArguments();
		String output = value(training, "-XX:AOTCacheOutput=");
		assertThat(output).as("cache written by the training run").isNotEmpty();
		assertThat(value(runtime, "-XX:AOTCache=")).as("cache read by the ENTRYPOINT").isEqualTo(output);
		assertThat(training).as("the training run goes the whole way to ready, as a start in production")
			.noneMatch((argument) -> argument.startsWith("-Dspring.context.exit="));
		assertThat(this.image.trainingWrapper()).as("deploy/aot-training.sh runs it against a broker of its own")
			.containsExactly("sh", "/aot-training.sh", "/broker");
		assertThat(this.image.trainingMounts()).as("mounted for the training run only, not copied into the image")
			.containsEntry("/aot-training.sh", "deploy/aot-training.sh")
			.containsEntry("/broker", "build:/build/broker");
		assertThat(ROOT.resolve("deploy/aot-training.sh")).isRegularFile();
		assertThat(withoutAot(training)).as("the training run's JVM options are the ENTRYPOINT's")
			.isEqualTo(withoutAot(runtime))
			.contains("@" + Path.of(this.image.optionsFile()).getFileName());
		assertThat(this.image.trainingCommand()
			.subList(this.image.trainingCommand().indexOf("-jar"), this.image.trainingCommand().size()))
			.isEqualTo(List.of("-jar", this.image.jar()));
		assertThat(this.image.jar()).isEqualTo("app.jar");
		assertThat(this.image.trainingEnvironment()).as("only what start-up validation needs, nothing reachable")
			.containsKeys("HEALER_HOOK_SECRETS", "OKTA_CLIENT_ORGURL")
			.allSatisfy((key, value) -> assertThat(value).doesNotContain("example.com", "localhost:9092"));
		assertThat(this.image.trainingEnvironment().get("OKTA_CLIENT_ORGURL")).endsWith(".invalid");
		assertThat(this.image.trainingEnvironment()).as("nothing is remediated in the training run")
			.containsEntry("HEALER_REMEDIATION_MODE", "dry-run")
			.doesNotContainKey("SPRING_KAFKA_BOOTSTRAP_SERVERS");
	}

	@Test
	void theTrainingRunSeesTheFinalClasspathAndTheImageEndsOnANonRootUser() throws IOException {
		List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		int runtime = lastIndex(lines, (line) -> line.startsWith("FROM "));
		int training = lastIndex(lines, (line) -> line.contains("-XX:AOTCacheOutput="));
		int lastCopy = lastIndex(lines, (line) -> line.startsWith("COPY "));
		int user = lastIndex(lines, (line) -> line.startsWith("USER "));
		assertThat(training).as("after every COPY of the runtime stage").isGreaterThan(lastCopy).isGreaterThan(runtime);
		assertThat(user).as("the cache is written as root and read by the service's user").isGreaterThan(training);
	}

	@Test
	void theTrainingScriptIsPosixShellAndInTheBuildContext() throws IOException {
		// the runtime image's /bin/sh is dash: sh -n checks the syntax without running
		// anything
		MonitoringConfigTests.Result result = MonitoringConfigTests.run(List.of("sh", "-n", "deploy/aot-training.sh"),
				Duration.ofSeconds(30));
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).as("the script is part of the build context")
			.noneMatch(
					(line) -> line.equals("deploy/") || line.equals("deploy/aot-training.sh") || line.equals("*.sh"));
	}

	@Test
	void theOptionsFileIsTheOnlyPlaceOfJvmOptions() throws IOException {
		Path file = ROOT.resolve(this.image.optionsFile());
		assertThat(file).isRegularFile();
		List<String> options = ShippedImage.options(file);
		assertThat(options).contains("-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError")
			.anyMatch((option) -> option.startsWith("-XX:MaxRAMPercentage="))
			.noneMatch((option) -> option.startsWith("-Xmx") || option.startsWith("-XX:MaxRAM="))
			.noneMatch((option) -> option.startsWith("-XX:AOT"));
		assertThat(Files.readAllLines(ROOT.resolve("Dockerfile"))).as("no JVM options in the Dockerfile's environment")
			.noneMatch((line) -> line.matches("\\s*ENV\\s.*(JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_JAVA_OPTIONS).*"));
		assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).as("the build context holds the options file")
			.noneMatch((line) -> line.startsWith("deploy") || line.equals("*.options"));
		Map<String, Object> healer = healerService();
		assertThat(healer).as("compose runs the image's ENTRYPOINT").doesNotContainKeys("entrypoint", "command");
		assertThat(String.valueOf(healer.get("environment"))).doesNotContain("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
				"_JAVA_OPTIONS");
	}

	@Test
	void theHeapAndWhatTheJvmNeedsBesidesFitTheContainerLimit() {
		long limit = memoryLimitBytes();
		assertThat(String.valueOf(healerService().get("mem_limit"))).as("compose's limit is Kubernetes'")
			.isEqualTo((limit >> 20) + "m");
		double percentage = Double
			.parseDouble(value(ShippedImage.options(ROOT.resolve(this.image.optionsFile())), "-XX:MaxRAMPercentage="));
		long heap = (long) (limit * percentage / 100);
		assertThat(heap).as("heap of %s%% of the limit", percentage).isBetween(112L << 20, 256L << 20);
		assertThat(limit - heap).as("metaspace, code cache, threads, GC and buffers: measured about 200 MiB")
			.isGreaterThanOrEqualTo(256L << 20);
		assertThat(limit).as("room above the RSS target (384 MiB) that the benchmark checks")
			.isGreaterThanOrEqualTo(384L << 20);
	}

	@Test
	void theRuntimeJvmAcceptsTheOptionsFile() {
		Optional<Path> java = jdk(this.image.javaRelease());
		Assumptions.assumeTrue(java.isPresent(), "no JDK " + this.image.javaRelease() + " under /usr/lib/jvm");
		List<String> command = new ArrayList<>(List.of(java.get().toString(),
				"@" + ROOT.resolve(this.image.optionsFile()).toAbsolutePath(), "-version"));
		MonitoringConfigTests.Result result = MonitoringConfigTests.run(command, Duration.ofMinutes(1));
		assertThat(result.exitCode()).as("%s:%n%s", String.join(" ", command), result.output()).isZero();
		assertThat(result.output()).doesNotContain("Unrecognized", "Ignoring option", "warning");
	}

	@Test
	void theBenchmarkRunsTheServiceAsTheImageDoes() throws IOException {
		String bench = Files.readString(ROOT.resolve("src/bench/java/dev/factorhealer/bench/ImageRun.java"));
		assertThat(bench).contains("ShippedImage.read(", "this.image.entrypoint()", "this.image.trainingCommand()",
				"this.image.trainingWrapper()", "this.image.trainingMounts()", "this.image.layers()",
				"this.image.extractArguments()", "this.image.environment()", "ShippedImage.memoryLimitBytes(");
		Matcher flags = Pattern.compile("\"(-XX:[A-Za-z]+)").matcher(bench);
		List<String> literal = new ArrayList<>();
		while (flags.find()) {
			literal.add(flags.group(1));
		}
		assertThat(literal).as("the only flags of its own: the container's limit, and the cache it leaves out")
			.containsOnly("-XX:MaxRAM", "-XX:AOTCache", "-XX:AOTCacheOutput");
	}

	/** The memory limit of deployment.yaml as the benchmark reads it. */
	static long memoryLimitBytes() {
		return ShippedImage.memoryLimitBytes(ROOT);
	}

	private static Map<String, Object> healerService() {
		try {
			@SuppressWarnings("unchecked")
			Map<String, Object> services = (Map<String, Object>) DashboardTests
				.readYaml(ROOT.resolve("docker-compose.yml"))
				.get("services");
			@SuppressWarnings("unchecked")
			Map<String, Object> healer = (Map<String, Object>) services.get("healer");
			return healer;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String value(List<String> arguments, String prefix) {
		return arguments.stream()
			.filter((argument) -> argument.startsWith(prefix))
			.map((argument) -> argument.substring(prefix.length()))
			.findFirst()
			.orElse("");
	}

	private static List<String> withoutAot(List<String> arguments) {
		return arguments.stream()
			.filter((argument) -> !argument.startsWith("-XX:AOTCache")
					&& !argument.startsWith("-Dspring.context.exit="))
			.toList();
	}

	private static int lastIndex(List<String> lines, java.util.function.Predicate<String> test) {
		int index = -1;
		for (int i = 0; i < lines.size(); i++) {
			if (test.test(lines.get(i))) {
				index = i;
			}
		}
		return index;
	}

	private static Optional<Path> jdk(int release) {
		if (Runtime.version().feature() == release) {
			return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
		}
		try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
			return jdks.filter((dir) -> dir.getFileName().toString().matches("(?:.*\\D)?" + release + "(?:\\D.*)?"))
				.map((dir) -> dir.resolve("bin/java"))
				.filter(Files::isExecutable)
				.sorted()
				.findFirst();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

}
