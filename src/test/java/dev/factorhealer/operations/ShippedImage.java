package dev.factorhealer.operations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Dockerfile does to run the service, read from the Dockerfile itself: how the
 * jar is extracted, the layers in the order they are copied, the JVM options file, the
 * AOT training run and the ENTRYPOINT. The benchmark reproduces the image from this (so
 * it measures what ships), and {@code DockerfileTests} checks it; neither keeps a copy of
 * the flags.
 *
 * @param runtimeImage the last {@code FROM} (the runtime stage)
 * @param extractArguments the build stage's {@code java -Djarmode=tools -jar app.jar ...}
 * arguments after the jar ({@code extract --layers --destination /build/extracted})
 * @param layers the extracted layers copied into the runtime stage, in order
 * @param optionsFile the JVM options file copied into the image, relative to the
 * repository
 * @param environment the runtime stage's {@code ENV} variables (the service's
 * environment)
 * @param trainingEnvironment variables set on the training run's command line
 * @param trainingMounts the training run's bind mounts
 * ({@code RUN --mount=type=bind,...}): target to source, a source of the build stage
 * written {@code build:/build/...}, one of the build context as its path in the
 * repository
 * @param trainingWrapper what runs the training command:
 * {@code sh /aot-training.sh /broker} (deploy/aot-training.sh, which starts a Kafka
 * broker for it)
 * @param trainingCommand the training run, from {@code java} on
 * @param entrypoint the ENTRYPOINT, from {@code java} on (the base image's wrapper left
 * out)
 */
public record ShippedImage(String runtimeImage, List<String> extractArguments, List<String> layers, String optionsFile,
		Map<String, String> environment, Map<String, String> trainingEnvironment, Map<String, String> trainingMounts,
		List<String> trainingWrapper, List<String> trainingCommand, List<String> entrypoint) {

	private static final Pattern LAYER = Pattern.compile("COPY --from=build /build/extracted/([a-z-]+)/ \\./");

	private static final Pattern VARIABLE = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\\S*)");

	/** Reads {@code Dockerfile} of the repository at {@code root}. */
	public static ShippedImage read(Path root) {
		List<String> instructions = instructions(root.resolve("Dockerfile"));
		int runtime = -1;
		for (int i = 0; i < instructions.size(); i++) {
			if (instructions.get(i).startsWith("FROM ")) {
				runtime = i;
			}
		}
		String runtimeImage = instructions.get(runtime).substring(5).trim();
		List<String> extract = instructions.subList(0, runtime)
			.stream()
			.filter(i -> i.startsWith("RUN ") && i.contains("-Djarmode=tools"))
			.map(i -> i.substring(i.lastIndexOf("-Djarmode=tools")))
			.map(i -> i.split("&&")[0].trim())
			.map(i -> words(i.substring(i.indexOf(" extract ") + 1)))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no java -Djarmode=tools ... extract in the build stage"));
		List<String> layers = new ArrayList<>();
		String options = null;
		Map<String, String> environment = new LinkedHashMap<>();
		Map<String, String> trainingEnvironment = new LinkedHashMap<>();
		Map<String, String> trainingMounts = new LinkedHashMap<>();
		List<String> trainingWrapper = new ArrayList<>();
		List<String> training = null;
		List<String> entrypoint = null;
		for (String instruction : instructions.subList(runtime + 1, instructions.size())) {
			Matcher layer = LAYER.matcher(instruction);
			if (layer.matches()) {
				layers.add(layer.group(1));
			}
			else if (instruction.startsWith("COPY ") && instruction.endsWith(".options ./")) {
				options = words(instruction).get(1);
			}
			else if (instruction.startsWith("RUN ") && instruction.contains("-XX:AOTCacheOutput=")) {
				List<String> words = words(instruction.substring(4).split("&&")[0]);
				int java = words.indexOf("java");
				for (String word : words.subList(0, java)) {
					Matcher variable = VARIABLE.matcher(word);
					if (word.startsWith("--mount=")) {
						Map<String, String> mount = mountOptions(word.substring(8));
						trainingMounts.put(mount.get("target"),
								(mount.containsKey("from") ? mount.get("from") + ":" : "") + mount.get("source"));
					}
					else if (trainingWrapper.isEmpty() && variable.matches()) {
						trainingEnvironment.put(variable.group(1), variable.group(2));
					}
					else {
						trainingWrapper.add(word);
					}
				}
				training = List.copyOf(words.subList(java, words.size()));
			}
			else if (instruction.startsWith("ENV ")) {
				Matcher variable = VARIABLE.matcher(instruction.substring(4).trim());
				while (variable.find()) {
					environment.put(variable.group(1), variable.group(2).replaceAll("^\"|\"$", ""));
				}
			}
			else if (instruction.startsWith("ENTRYPOINT ")) {
				List<String> words = Arrays
					.stream(instruction.substring(11).trim().replaceAll("^\\[|\\]$", "").split(","))
					.map(w -> w.trim().replaceAll("^\"|\"$", ""))
					.toList();
				entrypoint = List.copyOf(words.subList(words.indexOf("java"), words.size()));
			}
		}
		if (options == null || training == null || entrypoint == null) {
			throw new IllegalStateException("the runtime stage needs COPY <jvm options> ./, a RUN with "
					+ "-XX:AOTCacheOutput= and an ENTRYPOINT running java");
		}
		return new ShippedImage(runtimeImage, extract, List.copyOf(layers), options, Map.copyOf(environment),
				Map.copyOf(trainingEnvironment), Map.copyOf(trainingMounts), List.copyOf(trainingWrapper), training,
				entrypoint);
	}

	/**
	 * The Java feature release of the runtime image
	 * ({@code eclipse-temurin:25.0.3_9-jre-noble}: 25).
	 */
	public int javaRelease() {
		Matcher release = Pattern.compile(":(\\d+)").matcher(this.runtimeImage);
		if (!release.find()) {
			throw new IllegalStateException("no Java release in " + this.runtimeImage);
		}
		return Integer.parseInt(release.group(1));
	}

	/** JVM arguments of the training run (between {@code java} and {@code -jar}). */
	public List<String> trainingJvmArguments() {
		return jvmArguments(this.trainingCommand);
	}

	/** JVM arguments of the ENTRYPOINT (between {@code java} and {@code -jar}). */
	public List<String> runtimeJvmArguments() {
		return jvmArguments(this.entrypoint);
	}

	/** The jar the ENTRYPOINT runs, relative to the working directory. */
	public String jar() {
		return this.entrypoint.get(this.entrypoint.indexOf("-jar") + 1);
	}

	/**
	 * The options of the JVM options file, without comments, as the {@code java} launcher
	 * reads an {@code @}-file.
	 */
	public static List<String> options(Path file) {
		try {
			List<String> options = new ArrayList<>();
			for (String line : Files.readAllLines(file)) {
				int comment = line.indexOf('#');
				String text = (comment < 0 ? line : line.substring(0, comment)).trim();
				if (!text.isEmpty()) {
					options.addAll(words(text));
				}
			}
			return options;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The container's memory limit of deploy/kubernetes/deployment.yaml ({@code limits:}
	 * ... {@code memory: 512Mi}), read as the benchmark reads it to give the JVM the same
	 * {@code -XX:MaxRAM}.
	 */
	public static long memoryLimitBytes(Path root) {
		Path deployment = root.resolve("deploy/kubernetes/deployment.yaml");
		try {
			Matcher limit = Pattern.compile("limits:\\s*\\n(?:\\s+\\w+: \\S+\\n)*?\\s+memory: \"?(\\d+)(Mi|Gi)\"?")
				.matcher(Files.readString(deployment));
			if (!limit.find()) {
				throw new IllegalStateException("no memory limit in " + deployment);
			}
			return Long.parseLong(limit.group(1)) * (limit.group(2).equals("Gi") ? 1L << 30 : 1L << 20);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<String> jvmArguments(List<String> command) {
		int jar = command.indexOf("-jar");
		if (command.isEmpty() || !command.get(0).equals("java") || jar < 0) {
			throw new IllegalStateException("not java [options] -jar <jar>: " + command);
		}
		return List.copyOf(command.subList(1, jar));
	}

	/** Instructions with continuation lines joined and comments dropped. */
	private static List<String> instructions(Path dockerfile) {
		try {
			List<String> instructions = new ArrayList<>();
			StringBuilder current = new StringBuilder();
			for (String line : Files.readAllLines(dockerfile)) {
				String text = line.strip();
				if (text.startsWith("#") || (text.isEmpty() && current.isEmpty())) {
					continue;
				}
				boolean continued = text.endsWith("\\");
				current.append(continued ? text.substring(0, text.length() - 1) : text).append(' ');
				if (!continued) {
					instructions.add(current.toString().replaceAll("\\s+", " ").trim());
					current.setLength(0);
				}
			}
			return instructions;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Map<String, String> mountOptions(String text) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String option : text.split(",")) {
			int eq = option.indexOf('=');
			options.put(option.substring(0, eq), option.substring(eq + 1));
		}
		return options;
	}

	private static List<String> words(String text) {
		return Arrays.stream(text.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
	}

}
