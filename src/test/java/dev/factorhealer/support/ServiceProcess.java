package dev.factorhealer.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The service in a JVM of its own, started like production
 * ({@code FactorHealerApplication} with settings as arguments), so a test can SIGKILL it
 * in the middle of its work and start it again.
 */
public final class ServiceProcess implements AutoCloseable {

	private final Map<String, String> settings;

	private final Path log;

	private final int port = ChildProcesses.freePort();

	private final int managementPort = ChildProcesses.freePort();

	private Process process;

	private ServiceProcess(Map<String, String> settings, Path log) {
		this.settings = settings;
		this.log = log;
	}

	public static ServiceProcess start(String name, Map<String, String> settings) {
		ServiceProcess service = new ServiceProcess(settings,
				Path.of("target", "service-processes", name + "-" + System.nanoTime() + ".log").toAbsolutePath());
		service.startProcess();
		return service;
	}

	/** A path on the hook port. */
	public URI url(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/** A path on the management port (actuator, {@code /admin/*}). */
	public URI managementUrl(String path) {
		return URI.create("http://127.0.0.1:" + this.managementPort + path);
	}

	public Path log() {
		return this.log;
	}

	private void startProcess() {
		List<String> args = new ArrayList<>();
		args.add("--server.port=" + this.port);
		args.add("--management.server.port=" + this.managementPort);
		// one test broker: one copy of each partition
		args.add("--healer.topics.replication-factor=1");
		args.add("--healer.topics.min-insync-replicas=1");
		this.settings.forEach((key, value) -> args.add("--" + key + "=" + value));
		this.process = ChildProcesses.startJava("dev.factorhealer.FactorHealerApplication",
				List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), args, this.log);
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("the service died at start-up: see " + this.log);
			}
			HttpResponse<String> health = http.send(HttpRequest.newBuilder(managementUrl("/actuator/health/readiness"))
				.timeout(Duration.ofSeconds(2))
				.build(), HttpResponse.BodyHandlers.ofString());
			return health.statusCode() == 200;
		});
	}

	/** SIGKILL the service. */
	public void kill() {
		ChildProcesses.kill(this.process);
	}

	public void restart() {
		kill();
		startProcess();
	}

	@Override
	public void close() {
		kill();
	}

}
