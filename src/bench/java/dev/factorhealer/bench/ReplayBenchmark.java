package dev.factorhealer.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

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

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.replay.ReplayCommand;
import dev.factorhealer.support.StandaloneKafka;

/**
 * Replay throughput: 100,000 stuck requests on {@code okta.remediation.requests.dlq} moved back by
 * the replay command, against a baseline measured in the same run on the same broker: a plain
 * consumer-to-producer copy of the same records ({@code acks=all}, idempotent, no filters, no
 * ledger). Prints records per second of both and their ratio, and the time of a second replay,
 * which the ledger turns into a no-op. Run with {@code ./mvnw -B -Pbench verify}.
 */
public final class ReplayBenchmark {

	private static final String DLQ = "okta.remediation.requests.dlq";

	private ReplayBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
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

			long baselineStart = System.nanoTime();
			copy(bootstrap, records);
			double baselineSeconds = (System.nanoTime() - baselineStart) / 1e9;

			System.setProperty("spring.kafka.bootstrap-servers", bootstrap);
			long replayStart = System.nanoTime();
			String report = replay();
			double replaySeconds = (System.nanoTime() - replayStart) / 1e9;
			long secondStart = System.nanoTime();
			String second = replay();
			double secondSeconds = (System.nanoTime() - secondStart) / 1e9;

			System.out.println();
			System.out.println("| replay benchmark (" + records + " stuck records, one broker, this machine) | value |");
			System.out.println("|---|---|");
			System.out.printf("| baseline: plain consumer->producer copy (acks=all) | %.0f records/s (%.1f s) |%n",
					records / baselineSeconds, baselineSeconds);
			System.out.printf("| replay command (filters, ledger, headers; includes ~2 s context start) | %.0f records/s (%.1f s) |%n",
					records / replaySeconds, replaySeconds);
			System.out.printf("| replay / baseline | %.2f |%n", baselineSeconds / replaySeconds);
			System.out.printf("| second replay of the same topic (ledger: nothing sent) | %.1f s, replayed %s |%n",
					secondSeconds, field(second, "replayed"));
			System.out.println("| first replay's report: replayed / examined | " + field(report, "replayed") + " / "
					+ field(report, "examined") + " |");
		}
	}

	private static String replay() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int code = ReplayCommand.run(new String[] { "--topic", DLQ, "--max", "1000000" },
				new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
		if (code != 0) {
			throw new IllegalStateException("replay exited " + code);
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	private static String field(String json, String name) {
		int at = json.indexOf("\"" + name + "\"");
		if (at < 0) {
			return "?";
		}
		String rest = json.substring(json.indexOf(':', at) + 1).trim();
		return rest.substring(0, rest.indexOf(rest.contains(",") ? ',' : '}')).trim();
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

	private static void copy(String bootstrap, int records) {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
				new ByteArrayDeserializer()); KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
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
					producer.send(new ProducerRecord<>("baseline.copy", null, record.key(), record.value(), record.headers()));
					copied++;
				}
			}
			producer.flush();
		}
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
