package dev.factorhealer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.factorhealer.support.ChildProcesses;

/**
 * The service as production runs it: {@code java [options] -jar okta-factor-healer.jar} in the
 * project directory (so {@code config/application.yml} applies), settings as arguments, output
 * to a log file. Knows its start-up time (process start to the first readiness 200), its peak
 * resident memory ({@code VmHWM}) and its CPU time, read from {@code /proc}.
 */
final class ServiceUnderTest implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private final Duration startup;

	private final int managementPort;

	private ServiceUnderTest(Process process, int port, int managementPort, Path log, Duration startup) {
		this.process = process;
		this.port = port;
		this.managementPort = managementPort;
		this.log = log;
		this.startup = startup;
	}

	static ServiceUnderTest start(String name, Path jar, List<String> jvmOptions, Map<String, String> settings,
			Path logDir) {
		List<String> java = new ArrayList<>();
		java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		java.addAll(jvmOptions);
		java.add("-jar");
		java.add(jar.toString());
		return start(name, java, Path.of("").toAbsolutePath(), Map.of(), settings, logDir);
	}

	/**
	 * Runs {@code java} (the JVM, its options, {@code -jar} and the jar) in {@code directory} with
	 * {@code environment} added, as the image's ENTRYPOINT does in {@code /app}.
	 */
	static ServiceUnderTest start(String name, List<String> java, Path directory, Map<String, String> environment,
			Map<String, String> settings, Path logDir) {
		int port = ChildProcesses.freePort();
		int managementPort = ChildProcesses.freePort();
		Path log = logDir.resolve(name + ".log");
		List<String> command = new ArrayList<>(java);
		command.add("--server.port=" + port);
		command.add("--server.address=127.0.0.1");
		command.add("--management.server.port=" + managementPort);
		command.add("--management.server.address=127.0.0.1");
		command.add("--healer.topics.replication-factor=1");
		command.add("--healer.topics.min-insync-replicas=1");
		settings.forEach((key, value) -> command.add("--" + key + "=" + value));
		try {
			Files.createDirectories(logDir);
			Files.writeString(logDir.resolve(name + ".command"), String.join(" ", command)
				.replaceAll("okta\\.client\\.token=\\S+", "okta.client.token=***")
				.replaceAll("healer\\.hook\\.secrets=\\S+", "healer.hook.secrets=***") + "\n");
			long started = System.nanoTime();
			ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
			builder.environment().putAll(environment);
			Process process = builder.start();
			Duration startup = awaitReady(process, managementPort, log, started);
			return new ServiceUnderTest(process, port, managementPort, log, startup);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Duration awaitReady(Process process, int managementPort, Path log, long started) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
		long deadline = started + TimeUnit.SECONDS.toNanos(120);
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("the service died at start-up: see " + log);
			}
			try {
				HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(1)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (answer.statusCode() == 200) {
					return Duration.ofNanos(System.nanoTime() - started);
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			sleep(50);
		}
		ChildProcesses.kill(process);
		throw new IllegalStateException("the service was not ready within 120 s: see " + log);
	}

	/** A path on the hook port. */
	URI url(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/** A path on the management port (actuator, admin). */
	URI managementUrl(String path) {
		return URI.create("http://127.0.0.1:" + this.managementPort + path);
	}

	long pid() {
		return this.process.pid();
	}

	Duration startup() {
		return this.startup;
	}

	Path log() {
		return this.log;
	}

	/** Peak resident set size so far, in KiB ({@code VmHWM}); -1 when unreadable. */
	long peakRssKib() {
		return ProcStats.statusKib(pid(), "VmHWM");
	}

	long rssKib() {
		return ProcStats.statusKib(pid(), "VmRSS");
	}

	/** User plus system CPU seconds used so far. */
	double cpuSeconds() {
		return ProcStats.cpuSeconds(pid());
	}

	/** SIGTERM (graceful shutdown: offsets committed), SIGKILL after 30 s. */
	void stop() {
		if (!this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				ChildProcesses.kill(this.process);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			ChildProcesses.kill(this.process);
		}
	}

	@Override
	public void close() {
		stop();
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
