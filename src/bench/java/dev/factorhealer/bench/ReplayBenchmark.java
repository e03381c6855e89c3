package dev.factorhealer.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.OperatingSystemMXBean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.context.ConfigurableApplicationContext;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.replay.ReplayCommand;
import dev.factorhealer.replay.ReplayReport;
import dev.factorhealer.replay.ReplayRequest;
import dev.factorhealer.replay.ReplayService;
import dev.factorhealer.support.StandaloneKafka;

/**
 * Replay throughput: 100,000 stuck requests on {@code okta.remediation.requests.dlq} moved back by
 * the replay module, against a baseline measured in the same run on the same broker: a plain
 * consumer-to-producer copy of the same records with the replay's own client settings
 * ({@code acks=all}, idempotent, {@code linger.ms=5}, {@code read_committed}, 2000 records a
 * poll, {@code fetch.max.wait.ms=10}), no filters, no ledger. The machine is shared and noisy,
 * so copy and replay alternate in rounds (a round's replay right after its copy; later rounds replay again with {@code reset})
 * after an uncounted warm-up round (the first copy would otherwise pay the JIT for both), and the
 * ratio is the median of the rounds' ratios, each round printed. The replay is timed from
 * the call to its report, as the copy is timed from its consumer's creation to its last
 * acknowledgement; the command's Spring start is printed apart, and so is the CPU time this JVM
 * spent on each (the broker runs in a process of its own), which the noise touches less. Then a
 * replay without reset, which the ledger turns into a no-op. Run with
 * {@code ./mvnw -B -Pbench verify -Dbench.main=dev.factorhealer.bench.ReplayBenchmark
 * [-Dbench.args="RECORDS ROUNDS WARM-UPS"]} (default 100000 3 1).
 */
public final class ReplayBenchmark {

	private static final String DLQ = "okta.remediation.requests.dlq";

	private static final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

	private ReplayBenchmark() {
	}

	/** Wall and CPU seconds of one timed piece of work. */
	private record Timing(double seconds, double cpuSeconds) {

		static Timing since(long nanos, long cpuNanos) {
			return new Timing((System.nanoTime() - nanos) / 1e9, (os.getProcessCpuTime() - cpuNanos) / 1e9);
		}

	}

	public static void main(String[] args) throws Exception {
		int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
		int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
		int warmUps = args.length > 2 ? Integer.parseInt(args[2]) : 1;
		try (StandaloneKafka kafka = StandaloneKafka.start("replay-bench")) {
			String bootstrap = kafka.bootstrapServers();
			try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
				admin.createTopics(List.of(new NewTopic(DLQ, 3, (short) 1), new NewTopic("okta.remediation.requests", 6, (short) 1),
						new NewTopic("baseline.copy", 6, (short) 1), new NewTopic("okta.remediation.parked", 3, (short) 1),
						new NewTopic("okta.replay.ledger", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
					.all()
					.get();
			}
			fill(bootstrap, records);

			System.setProperty("spring.kafka.bootstrap-servers", bootstrap);
			long contextStart = System.nanoTime();
			try (ConfigurableApplicationContext context = ReplayCommand.replayOnly()) {
				double startSeconds = (System.nanoTime() - contextStart) / 1e9;
				ReplayService replay = context.getBean(ReplayService.class);
				List<Timing> copies = new ArrayList<>();
				List<Timing> replays = new ArrayList<>();
				for (int round = 0; round < warmUps + rounds; round++) {
					Timing copy = copy(bootstrap, records);
					long wall = System.nanoTime();
					long cpu = os.getProcessCpuTime();
					ReplayReport report = replay.replay(request(round == 0 ? null : Instant.EPOCH));
					if (round >= warmUps) {
						copies.add(copy);
						replays.add(Timing.since(wall, cpu));
					}
					if (report.replayed() != records) {
						throw new IllegalStateException("replayed " + report.replayed() + " of " + records);
					}
					long moved = count(bootstrap, "okta.remediation.requests");
					if (moved != (long) records * (round + 1)) {
						throw new IllegalStateException(moved + " records on okta.remediation.requests, expected "
								+ (long) records * (round + 1));
					}
				}
				long secondStart = System.nanoTime();
				ReplayReport second = replay.replay(request(null));
				double secondSeconds = (System.nanoTime() - secondStart) / 1e9;
				print(records, copies, replays, startSeconds, secondSeconds, second);
			}
		}
	}

	private static void print(int records, List<Timing> copies, List<Timing> replays, double startSeconds,
			double secondSeconds, ReplayReport second) {
		List<Double> ratios = new ArrayList<>();
		System.out.println();
		System.out.println("| replay benchmark (" + records + " stuck records, one broker, this machine, after a warm-up round) | value |");
		System.out.println("|---|---|");
		for (int i = 0; i < copies.size(); i++) {
			Timing copy = copies.get(i);
			Timing replay = replays.get(i);
			ratios.add(copy.seconds() / replay.seconds());
			System.out.printf("| round %d: plain copy (acks=all, idempotent) / replay (filters, ledger, headers, acks=all) "
					+ "| %.0f / %.0f records/s (%.1f / %.1f s; CPU %.1f / %.1f s), ratio %.2f |%n", i + 1,
					records / copy.seconds(), records / replay.seconds(), copy.seconds(), replay.seconds(),
					copy.cpuSeconds(), replay.cpuSeconds(), copy.seconds() / replay.seconds());
		}
		List<Double> sorted = ratios.stream().sorted().toList();
		System.out.printf("| replay / plain copy, median of %d rounds (range) | %.2f (%.2f to %.2f) |%n", ratios.size(),
				sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
		System.out.printf("| CPU of this JVM per 1000 records: copy / replay (medians) | %.0f / %.0f ms |%n",
				median(copies.stream().map(Timing::cpuSeconds).toList()) * 1e6 / records,
				median(replays.stream().map(Timing::cpuSeconds).toList()) * 1e6 / records);
		System.out.printf("| replay command's Spring start (before the first round) | %.1f s |%n", startSeconds);
		System.out.printf("| replay again without reset (ledger: nothing sent) | %.1f s, replayed %d, already replayed %d |%n",
				secondSeconds, second.replayed(), second.alreadyReplayed());
	}

	private static double median(List<Double> values) {
		return values.stream().sorted().toList().get(values.size() / 2);
	}

	private static ReplayRequest request(Instant reset) {
		return new ReplayRequest(DLQ, null, null, null, null, ReplayRequest.MAX_MAX, false, reset, false);
	}

	private static void fill(String bootstrap, int records) throws Exception {
		try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
			String at = Instant.now().toString();
			for (int i = 0; i < records; i++) {
				String user = "00u" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
				ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(DLQ, bytes(user),
						bytes("{\"userId\":\"" + user + "\",\"factorType\":\"sms\",\"sourceEventUuid\":\"" + UUID.randomUUID()
								+ "\",\"detectedAt\":\"" + at + "\",\"reason\":\"user-factor-not-found: Resource not found: "
								+ user + " (UserFactor)\"}"));
				record.headers()
					.add(new RecordHeader(StuckRecordHeaders.ORIGINAL_TOPIC, bytes("okta.remediation.requests")))
					.add(new RecordHeader(StuckRecordHeaders.EXCEPTION, bytes("dev.factorhealer.remediation.RemediationFailedException")))
					.add(new RecordHeader(StuckRecordHeaders.REASON, bytes("listing factors failed: Okta answered 503")))
					.add(new RecordHeader(StuckRecordHeaders.DEAD_LETTERED_AT, bytes(at)));
				producer.send(record);
			}
			producer.flush();
		}
	}

	/**
	 * Copies the stuck records to {@code baseline.copy} as plainly as Kafka allows, timed from the
	 * consumer's creation to the last acknowledgement. Fails unless every record was copied and
	 * acknowledged.
	 */
	private static Timing copy(String bootstrap, int records) {
		String target = "baseline.copy";
		long start = System.nanoTime();
		long cpu = os.getProcessCpuTime();
		AtomicLong failed = new AtomicLong();
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap);
				KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
			List<TopicPartition> partitions = consumer.partitionsFor(DLQ)
				.stream()
				.map(p -> new TopicPartition(DLQ, p.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			int copied = 0;
			long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
			while (copied < records && System.nanoTime() < deadline) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					producer.send(new ProducerRecord<>(target, null, record.key(), record.value(), record.headers()),
							(metadata, ex) -> {
								if (ex != null) {
									failed.incrementAndGet();
								}
							});
					copied++;
				}
			}
			producer.flush();
			if (copied != records || failed.get() > 0) {
				throw new IllegalStateException("copied " + copied + " of " + records + ", " + failed + " not acknowledged");
			}
		}
		return Timing.since(start, cpu);
	}

	private static long count(String bootstrap, String topic) {
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map(p -> new TopicPartition(topic, p.partition()))
				.toList();
			return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
		}
	}

	/** The replay's consumer settings (see ReplayConfiguration). */
	private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
		props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG,
				"all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5),
				new ByteArraySerializer(), new ByteArraySerializer());
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
