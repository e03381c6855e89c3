package dev.factorhealer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import dev.factorhealer.support.ChildProcesses;

/**
 * What the broker itself takes on this machine: Kafka's own {@code ProducerPerformance} in a JVM
 * of its own, {@code acks=all}, 1000-byte records, as fast as it can, to a topic laid out like
 * {@code okta.events} (6 partitions, replication factor 1).
 */
final class KafkaCeiling {

	private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), "
			+ "([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th");

	/** ProducerPerformance's final line. */
	record Result(long records, double recordsPerSecond, double megabytesPerSecond, double avgLatencyMs,
			double maxLatencyMs, long p50Ms, long p99Ms, double cpuSeconds) {
	}

	private KafkaCeiling() {
	}

	static void createTopic(String bootstrapServers, String topic, int partitions) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not create topic " + topic, ex);
		}
	}

	static Result measure(String bootstrapServers, String topic, long records, Path log) {
		Process perf = ChildProcesses.startJava("org.apache.kafka.tools.ProducerPerformance", List.of("-Xmx512m"),
				List.of("--topic", topic, "--num-records", String.valueOf(records), "--record-size", "1000",
						"--throughput", "-1", "--producer-props", "acks=all", "bootstrap.servers=" + bootstrapServers),
				log);
		try {
			double cpu = 0;
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
			while (perf.isAlive() && System.nanoTime() < deadline) {
				double now = ProcStats.cpuSeconds(perf.pid());
				cpu = Math.max(cpu, now);
				perf.waitFor(200, TimeUnit.MILLISECONDS);
			}
			if (perf.isAlive()) {
				ChildProcesses.kill(perf);
				throw new IllegalStateException("ProducerPerformance did not finish within 5 minutes: see " + log);
			}
			Matcher last = null;
			for (String line : Files.readAllLines(log)) {
				Matcher matcher = SUMMARY.matcher(line);
				if (matcher.find()) {
					last = matcher;
				}
			}
			if (perf.exitValue() != 0 || last == null) {
				throw new IllegalStateException("ProducerPerformance failed (exit " + perf.exitValue() + "): see " + log);
			}
			return new Result(Long.parseLong(last.group(1)), Double.parseDouble(last.group(2)),
					Double.parseDouble(last.group(3)), Double.parseDouble(last.group(4)),
					Double.parseDouble(last.group(5)), Long.parseLong(last.group(6)), Long.parseLong(last.group(8)), cpu);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			ChildProcesses.kill(perf);
			throw new IllegalStateException(ex);
		}
	}

}
