package dev.factorhealer.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.factorhealer.operations.ShippedImage;
import dev.factorhealer.support.ChildProcesses;

/**
 * The image, without Docker: what the Dockerfile does, done here with the same JVM release as its
 * runtime stage (from {@code /usr/lib/jvm}), on the same files: the jar extracted with the same
 * arguments, the layers copied into one directory in the Dockerfile's order, the JVM options file
 * next to them, the training run with the Dockerfile's command, variables and script (which starts a
 * Kafka broker of its own for it), and the ENTRYPOINT's
 * command to start the service. The one addition is {@code -XX:MaxRAM} set to the container's
 * memory limit (deployment.yaml), which is what the JVM sees inside a container with that limit.
 */
final class ImageRun {

	private final ShippedImage image;

	private final Path java;

	private final Path directory;

	private final Path fatJar;

	private final long memoryLimitBytes;

	private Duration training;

	private final Path root;

	private ImageRun(Path root, ShippedImage image, Path java, Path directory, Path fatJar, long memoryLimitBytes) {
		this.root = root;
		this.image = image;
		this.java = java;
		this.directory = directory;
		this.fatJar = fatJar;
		this.memoryLimitBytes = memoryLimitBytes;
	}

	/**
	 * Builds the image's {@code /app} under {@code out/image} from {@code jar} and runs its training
	 * run; {@code javaHome} overrides the JDK found for the runtime stage's release.
	 */
	static ImageRun build(Path root, Path jar, Path out, String javaHome, Path trainingLog) {
		ShippedImage image = ShippedImage.read(root);
		Path java = (javaHome != null ? Path.of(javaHome) : findJdk(image.javaRelease())).resolve("bin").resolve("java");
		ImageRun run = new ImageRun(root, image, java, out.resolve("image").resolve("app"), jar.toAbsolutePath(),
				ShippedImage.memoryLimitBytes(root));
		run.assemble(root);
		run.train(trainingLog);
		return run;
	}

	private void assemble(Path root) {
		try {
			Path build = this.directory.getParent();
			deleteRecursively(build);
			Files.createDirectories(this.directory);
			Path appJar = build.resolve("app.jar");
			Files.copy(this.fatJar, appJar);
			List<String> extract = new ArrayList<>(List.of(this.java.toString(), "-Djarmode=tools", "-jar",
					appJar.toString()));
			for (String argument : this.image.extractArguments()) {
				extract.add(argument.startsWith("/build/") ? build.resolve(argument.substring(7)).toString() : argument);
			}
			run(extract, build, Map.of(), build.resolve("extract.log"), Duration.ofMinutes(2));
			copyBrokerJars(build.resolve("broker"));
			for (String layer : this.image.layers()) {
				copyRecursively(build.resolve("extracted").resolve(layer), this.directory);
			}
			Files.copy(root.resolve(this.image.optionsFile()),
					this.directory.resolve(Path.of(this.image.optionsFile()).getFileName()));
			// compose mounts ./config at /app/config; the Kubernetes ConfigMap sets the same keys
			copyRecursively(root.resolve("config"), this.directory.resolve("config"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The build stage's {@code /build/broker}: the jars of the test classpath without logback, as
	 * the Dockerfile's {@code dependency:copy-dependencies} copies them (this JVM's classpath is the
	 * test classpath, plus the benchmark's few jars).
	 */
	private static void copyBrokerJars(Path broker) throws IOException {
		Files.createDirectories(broker);
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			Path jar = Path.of(entry);
			if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !entry.contains("/ch/qos/logback/")) {
				Files.copy(jar, broker.resolve(jar.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	/**
	 * The training run as the Dockerfile's RUN has it: its wrapper (deploy/aot-training.sh with the
	 * broker's jars), its variables, its command; the bind mounts' targets replaced with their
	 * sources here. The ports are free ones instead of the script's defaults (a shared machine).
	 */
	private void train(Path log) {
		// as in the build: no container memory limit there
		List<String> command = new ArrayList<>();
		for (String word : this.image.trainingWrapper()) {
			String source = this.image.trainingMounts().get(word);
			command.add(source == null ? word : mountSource(source).toString());
		}
		command.add(this.java.toString());
		command.addAll(this.image.trainingCommand().subList(1, this.image.trainingCommand().size()));
		long started = System.nanoTime();
		Map<String, String> environment = new java.util.HashMap<>(this.image.environment());
		environment.putAll(this.image.trainingEnvironment());
		environment.put("AOT_TRAINING_KAFKA_PORT", String.valueOf(ChildProcesses.freePort()));
		environment.put("AOT_TRAINING_CONTROLLER_PORT", String.valueOf(ChildProcesses.freePort()));
		environment.put("SERVER_PORT", String.valueOf(ChildProcesses.freePort()));
		environment.put("MANAGEMENT_SERVER_PORT", String.valueOf(ChildProcesses.freePort()));
		run(command, this.directory, environment, log, Duration.ofMinutes(5));
		this.training = Duration.ofNanos(System.nanoTime() - started);
		if (!Files.isRegularFile(this.directory.resolve(aotCache()))) {
			throw new IllegalStateException("the training run wrote no " + aotCache() + ": see " + log);
		}
	}

	/** {@code build:/build/x} is the build stage's, anything else a path in the repository. */
	private Path mountSource(String source) {
		if (source.startsWith("build:/build/")) {
			return this.directory.getParent().resolve(source.substring("build:/build/".length()));
		}
		return this.root.resolve(source);
	}

	/** How long the training run took (part of the image build, not of a start). */
	Duration training() {
		return this.training;
	}

	/** The image's working directory ({@code /app}). */
	Path directory() {
		return this.directory;
	}

	/** The ENTRYPOINT's command: the shipped options and the AOT cache, on the extracted jar. */
	List<String> shipped(List<String> extraJvmOptions) {
		List<String> command = new ArrayList<>();
		command.add(this.java.toString());
		command.add(maxRam());
		command.addAll(extraJvmOptions);
		command.addAll(this.image.entrypoint().subList(1, this.image.entrypoint().size()));
		return command;
	}

	/**
	 * The same JVM and options without the start-up measures: no AOT cache, the fat jar as
	 * {@code java -jar} runs it (README "In production").
	 */
	List<String> withoutStartupMeasures(List<String> extraJvmOptions) {
		List<String> command = new ArrayList<>();
		command.add(this.java.toString());
		command.add(maxRam());
		command.addAll(extraJvmOptions);
		command.addAll(this.image.runtimeJvmArguments().stream().filter(a -> !a.startsWith("-XX:AOTCache")).toList());
		command.add("-jar");
		command.add(this.fatJar.toString());
		return command;
	}

	/** The runtime stage's environment ({@code ENV}), which the service gets. */
	Map<String, String> environment() {
		return this.image.environment();
	}

	/** The JVM options as shipped (the options file), for the report. */
	List<String> options() {
		return ShippedImage.options(this.directory.resolve(Path.of(this.image.optionsFile()).getFileName()));
	}

	long memoryLimitBytes() {
		return this.memoryLimitBytes;
	}

	String javaVersion() {
		return this.java.getParent().getParent().getFileName().toString();
	}

	private String aotCache() {
		return this.image.trainingCommand()
			.stream()
			.filter(a -> a.startsWith("-XX:AOTCacheOutput="))
			.map(a -> a.substring(a.indexOf('=') + 1))
			.findFirst()
			.orElseThrow();
	}

	private String maxRam() {
		return "-XX:MaxRAM=" + this.memoryLimitBytes;
	}

	/** A JDK of {@code release} under /usr/lib/jvm (or this JVM's when it is that release). */
	static Path findJdk(int release) {
		if (Runtime.version().feature() == release) {
			return Path.of(System.getProperty("java.home"));
		}
		try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
			return jdks.filter(d -> Files.isExecutable(d.resolve("bin/java")))
				.filter(d -> d.getFileName().toString().matches("(?:.*\\D)?" + release + "(?:\\D.*)?"))
				.sorted(Comparator.comparing(Path::toString))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("the image runs Java " + release
						+ ": install a JDK " + release + " under /usr/lib/jvm or pass --java-home=..."));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void run(List<String> command, Path directory, Map<String, String> environment, Path log,
			Duration atMost) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().putAll(environment);
			Process process = builder.start();
			if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " took longer than " + atMost + ": see " + log);
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
						+ ": see " + log);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void copyRecursively(Path from, Path to) throws IOException {
		if (!Files.exists(from)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : paths.toList()) {
				Path target = to.resolve(from.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

	private static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}
