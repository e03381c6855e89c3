package dev.factorhealer.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.factorhealer.events.OktaEventHeaders;
import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.support.StandaloneKafka;

/**
 * Detection alone: how fast the {@code detect} function (and the follow-up tracker, which reads
 * the same topic) works off a lag of {@code okta.events}. Fills the topic once with the hook's
 * records (the benchmark's deliveries, one record per event, with the hook's headers), then starts
 * each jar in turn, as many rounds as asked, each with fresh consumer groups, and times its
 * {@code healer-detection} group from start to lag 0, with the service's CPU per event and by
 * thread. Several jars in the same run give ratios on the same broker and data.
 * <p>
 * {@code ./mvnw -B -Pbench verify -Dbench.main=dev.factorhealer.bench.DetectionDrainBenchmark
 * -Dbench.args="--events=1000000 --rounds=2 --jars=a.jar,b.jar --jfr"} (default: 1,000,000
 * events, 2 rounds, the jar in target/); JVM: {@code --java-home} (default Temurin 25) with
 * {@code deploy/jvm.options} and a 512 MiB limit, as the image runs it.
 */
public final class DetectionDrainBenchmark {

	private static final String TOPIC = "okta.events";

	private static final Pattern OPTION = Pattern.compile("--([a-z-]+)(?:=(.*))?");

	private DetectionDrainBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			Matcher m = OPTION.matcher(arg);
			if (m.matches()) {
				options.put(m.group(1), m.group(2) == null ? "" : m.group(2));
			}
		}
		long events = Long.parseLong(options.getOrDefault("events", "1000000"));
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
		// each entry: a jar, and settings of its own after @ (key=value&key=value)
		List<Path> jars = new ArrayList<>();
		List<String> extras = new ArrayList<>();
		for (String entry : options.getOrDefault("jars", defaultJar()).split(",")) {
			String[] parts = entry.split("@", 2);
			jars.add(Path.of(parts[0]).toAbsolutePath());
			extras.add(parts.length > 1 ? parts[1] : "");
		}
		Path java = Path.of(options.getOrDefault("java-home", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
		Path out = Path.of("target", "bench").toAbsolutePath();
		Files.createDirectories(out);
		try (StandaloneKafka kafka = StandaloneKafka.start("drain"); FakeOktaOrg okta = FakeOktaOrg.start()) {
			String bootstrap = kafka.bootstrapServers();
			fill(bootstrap, events);
			System.out.printf("%,d events on %s%n", events, TOPIC);
			List<String> lines = new ArrayList<>();
			for (int round = 1; round <= rounds; round++) {
				for (int j = 0; j < jars.size(); j++) {
					String group = "drain-" + round + "-" + j;
					Map<String, String> settings = new LinkedHashMap<>();
					settings.put("spring.kafka.bootstrap-servers", bootstrap);
					settings.put("okta.client.org-url", okta.url());
					settings.put("okta.client.token", okta.token());
					settings.put("okta.testing.disable-https-check", "true");
					settings.put("healer.hook.secrets", "drain-kjovkGpRDWQ5gj9t7GkRZdnRI7eZko52");
					settings.put("healer.remediation.mode", "dry-run");
					settings.put("spring.cloud.stream.bindings.detect-in-0.group", group);
					settings.put("healer.followup.group", group + "-followup");
					for (String setting : extras.get(j).split("&")) {
						if (setting.contains("=")) {
							settings.put(setting.substring(0, setting.indexOf('=')),
									setting.substring(setting.indexOf('=') + 1));
						}
					}
					List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:MaxRAM=536870912",
							"@" + Path.of("deploy", "jvm.options").toAbsolutePath()));
					if (options.containsKey("jfr")) {
						command.add("-XX:StartFlightRecording=filename=" + out.resolve("drain-" + round + "-" + j + ".jfr")
								+ ",settings=profile");
					}
					command.addAll(List.of("-jar", jars.get(j).toString()));
					long started = System.nanoTime();
					try (ServiceUnderTest service = ServiceUnderTest.start("service-drain-" + round + "-" + j, command,
							Path.of("").toAbsolutePath(), Map.of("MALLOC_ARENA_MAX", "2"), settings, out)) {
						Map<String, Double> threads0 = ProcStats.threadCpu(service.pid());
						double cpu0 = service.cpuSeconds();
						long ready = System.nanoTime();
						long lag = -1;
						while (lag != 0 && System.nanoTime() - ready < TimeUnit.SECONDS.toNanos(600)) {
							ServiceUnderTest.sleep(250);
							lag = TopicAudit.lag(bootstrap, group, TOPIC);
						}
						double seconds = (System.nanoTime() - ready) / 1e9;
						double cpu = service.cpuSeconds() - cpu0;
						String top = ProcStats.busiest(threads0, ProcStats.threadCpu(service.pid()), 0.1, 8);
						String line = String.format(Locale.ROOT,
								"round %d %s%s: ready %.1f s, lag 0 after %.1f s = %,.0f events/s; CPU %.1f s = %.1f us/event, "
										+ "peak RSS %d MiB;%s",
								round, jars.get(j).getFileName(), extras.get(j).isEmpty() ? "" : " " + extras.get(j), (ready - started) / 1e9, seconds, events / seconds, cpu,
								cpu / events * 1e6, service.peakRssKib() / 1024, top);
						System.out.println(line);
						lines.add(line);
					}
				}
			}
			System.out.println();
			lines.forEach(System.out::println);
		}
	}

	private static String defaultJar() {
		return "target/okta-factor-healer-0.1.0-SNAPSHOT.jar";
	}

	/** The benchmark's deliveries, split into records as the hook writes them. */
	private static void fill(String bootstrap, long events) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
			admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get();
		}
		Properties config = new Properties();
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
		config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
		config.put(ProducerConfig.ACKS_CONFIG, "1");
		LoadDeliveries deliveries = new LoadDeliveries(LoadDeliveries.userIds(5000),
				List.of("00u1a2b3c4d5e6f7g8h9", "00u2a2b3c4d5e6f7g8h9"));
		Pattern event = Pattern.compile("\\{\"actor\":\\{\"id\":\"(\\w+)\".*?\"uuid\":\"([-0-9a-f]+)\",\"version\"[^\\]]*\\]\\}");
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			long written = 0;
			while (written < events) {
				long delivery = deliveries.next();
				String body = new String(deliveries.body(delivery), StandardCharsets.UTF_8);
				Matcher m = event.matcher(body);
				while (m.find() && written < events) {
					ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC,
							m.group(1).getBytes(StandardCharsets.UTF_8), m.group().getBytes(StandardCharsets.UTF_8));
					record.headers()
						.add(OktaEventHeaders.DELIVERY_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
						.add(OktaEventHeaders.EVENT_UUID, m.group(2).getBytes(StandardCharsets.UTF_8))
						.add(OktaEventHeaders.EVENT_TYPE,
								(m.group().contains("auth_via_mfa") ? "user.authentication.auth_via_mfa"
										: "user.session.start")
									.getBytes(StandardCharsets.UTF_8))
						.add(OktaEventHeaders.SOURCE, "hook".getBytes(StandardCharsets.UTF_8));
					producer.send(record);
					written++;
				}
			}
			producer.flush();
		}
	}

}
