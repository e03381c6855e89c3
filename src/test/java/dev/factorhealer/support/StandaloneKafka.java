package dev.factorhealer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import static org.awaitility.Awaitility.await;

/**
 * A single-node KRaft Kafka broker in a process of its own (the real {@code kafka.Kafka}
 * main class from Maven Central jars), so a test can kill it with SIGKILL and start it
 * again on the same port and data directory.
 */
public final class StandaloneKafka implements AutoCloseable {

	private final Path dir;

	private final int port = ChildProcesses.freePort();

	private final int controllerPort = ChildProcesses.freePort();

	private final Path properties;

	private Process process;

	private StandaloneKafka(Path dir) {
		this.dir = dir;
		this.properties = dir.resolve("server.properties");
	}

	public static StandaloneKafka start(String name) {
		try {
			Path dir = Files.createDirectories(Path.of("target", "standalone-kafka", name + "-" + System.nanoTime()))
				.toAbsolutePath();
			StandaloneKafka kafka = new StandaloneKafka(dir);
			kafka.format();
			kafka.startProcess();
			return kafka;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	private void format() throws IOException {
		Files.writeString(this.properties, """
				process.roles=broker,controller
				node.id=1
				controller.quorum.voters=1@127.0.0.1:%d
				listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
				advertised.listeners=PLAINTEXT://127.0.0.1:%d
				controller.listener.names=CONTROLLER
				listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
				inter.broker.listener.name=PLAINTEXT
				log.dirs=%s
				num.partitions=3
				offsets.topic.replication.factor=1
				offsets.topic.num.partitions=3
				transaction.state.log.replication.factor=1
				transaction.state.log.min.isr=1
				share.coordinator.state.topic.replication.factor=1
				share.coordinator.state.topic.min.isr=1
				group.initial.rebalance.delay.ms=0
				auto.create.topics.enable=false
				""".formatted(this.controllerPort, this.port, this.controllerPort, this.port,
				this.dir.resolve("data")));
		Process format = ChildProcesses.startJava("kafka.tools.StorageTool", List.of("-Xmx256m"),
				List.of("format", "-t", Uuid.randomUuid().toString(), "-c", this.properties.toString()),
				this.dir.resolve("format.log"));
		try {
			if (format.waitFor() != 0) {
				throw new IllegalStateException("kafka-storage format failed: see " + this.dir.resolve("format.log"));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void startProcess() {
		this.process = ChildProcesses.startJava("kafka.Kafka", List.of("-Xmx512m", "-Xms256m"),
				List.of(this.properties.toString()), this.dir.resolve("broker.log"));
		awaitUp();
	}

	private void awaitUp() {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
				2000))) {
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("the broker died: see " + this.dir.resolve("broker.log"));
				}
				return !admin.describeCluster().nodes().get().isEmpty();
			});
		}
	}

	/** SIGKILL the broker. */
	public void kill() {
		ChildProcesses.kill(this.process);
	}

	/** Start it again on the same port and data. */
	public void restart() {
		kill();
		startProcess();
	}

	public boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	@Override
	public void close() {
		kill();
	}

}
