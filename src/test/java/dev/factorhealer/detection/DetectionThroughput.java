package dev.factorhealer.detection;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Events per second through the detect function's decision ({@link Detection#apply}) with
 * the full path (a tree for every event) and with the screen, in the same run, rounds
 * interleaved so both see the same machine. Not a test: run it by hand (the command is in
 * the README's Performance section), on a quiet machine if there is one, and read the
 * ratio rather than the rates; the CPU time of the measuring thread is less disturbed by
 * other processes than the wall time.
 * <p>
 * The mix is that of the hook's load: about 900-byte events, mostly
 * {@code user.session.start}, some successful and some failed MFA checks without the
 * error, and one stuck-SMS event in {@code stuckEvery} (default 1000), each of its own
 * user and with a uuid of its own.
 */
public final class DetectionThroughput {

	private static final String SESSION_START = """
			{"actor":{"id":"%1$s","type":"User","alternateId":"%1$s@example.com","displayName":"Sam Carter"},\
			"client":{"userAgent":{"rawUserAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0","os":"Windows 10",\
			"browser":"CHROME"},"device":"Computer","ipAddress":"198.51.100.23","geographicalContext":{"city":"Lisbon",\
			"country":"Portugal","geolocation":{"lat":38.7223,"lon":-9.1393}}},\
			"displayMessage":"User login to Okta","eventType":"user.session.start","outcome":{"result":"SUCCESS","reason":null},\
			"published":"2026-11-28T09:12:44.123Z","severity":"INFO",\
			"debugContext":{"debugData":{"requestId":"Z0f1a2b3c4d5e6f7g8h9i0","requestUri":"/idp/idx/identify"}},\
			"legacyEventType":"core.user_auth.login_success","transaction":{"type":"WEB","id":"Z0f1a2b3c4d5e6f7g8h9i0"},\
			"uuid":"%2$s","version":"0","target":[]}""";

	private static final String MFA = """
			{"actor":{"id":"%1$s","type":"User","alternateId":"%1$s@example.com","displayName":"Ana Silva"},\
			"client":{"userAgent":{"rawUserAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6) Safari/604.1","os":"iOS","browser":"SAFARI"},\
			"device":"Mobile","ipAddress":"198.51.100.77","geographicalContext":{"city":"Porto","country":"Portugal"}},\
			"displayMessage":"Authentication of user via MFA","eventType":"user.authentication.auth_via_mfa",\
			"outcome":{"result":"%3$s","reason":"%4$s"},\
			"published":"2026-11-28T09:12:44.123Z","severity":"WARN","debugContext":{"debugData":{"requestId":"Y9e8d7c6b5a4f3e2d1c0b9",\
			"requestUri":"/api/v1/authn/factors/verify","factor":"SMS_FACTOR"}},"legacyEventType":"core.user.factor.attempt_fail",\
			"uuid":"%2$s","version":"0","target":[{"id":"%1$s","type":"User","alternateId":"%1$s@example.com","displayName":"Ana Silva"}]}""";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private DetectionThroughput() {
	}

	/**
	 * Arguments: events per round (200000), rounds per path (12), stuck event every
	 * (1000).
	 */
	public static void main(String[] args) {
		// one INFO line per detected event would be timed too, and drown the figures
		((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Detection.class))
			.setLevel(ch.qos.logback.classic.Level.WARN);
		int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
		int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
		int stuckEvery = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
		List<Message<byte[]>> records = records(events, stuckEvery);
		long bytes = records.stream().mapToLong(r -> r.getPayload().length).sum();
		List<DetectionProperties.Rule> rules = List.of(new DetectionProperties.Rule("user-factor-not-found",
				"Resource not found: (?<userId>\\w+) \\(UserFactor\\)",
				List.of("system.sms.*", "user.mfa.*", "user.authentication.*"), List.of("FAILURE"), "sms"));
		System.out.printf(Locale.ROOT,
				"%d events per round, %d bytes each on average, 1 stuck in %d, %d rounds per path "
						+ "(first third is warm-up), %d processors, %s%n",
				events, bytes / events, stuckEvery, rounds, Runtime.getRuntime().availableProcessors(),
				Runtime.version());
		double[][] wall = new double[2][];
		double[][] cpu = new double[2][];
		wall[0] = new double[rounds];
		wall[1] = new double[rounds];
		cpu[0] = new double[rounds];
		cpu[1] = new double[rounds];
		for (int round = 0; round < rounds; round++) {
			for (int path = 0; path < 2; path++) {
				EventScreen screen = path == 0 ? EventScreen.off() : EventScreen.of(rules, json);
				Detection detection = new Detection(new StuckFactorDetector(rules), screen,
						new DetectionMemory(Duration.ofHours(24), 200_000, Duration.ofMinutes(10), 100_000), json,
						Clock.systemUTC(), new SimpleMeterRegistry());
				long cpuStart = threads.getCurrentThreadCpuTime();
				long start = System.nanoTime();
				int requests = 0;
				for (Message<byte[]> record : records) {
					if (detection.apply(record) != null) {
						requests++;
					}
				}
				long nanos = System.nanoTime() - start;
				long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
				wall[path][round] = events * 1e9 / nanos;
				cpu[path][round] = events * 1e9 / cpuNanos;
				System.out.printf(Locale.ROOT,
						"round %2d %-6s %,10.0f events/s wall, %,10.0f events/s of CPU, %d requests%n", round,
						path == 0 ? "full" : "screen", wall[path][round], cpu[path][round], requests);
			}
		}
		int from = rounds / 3;
		System.out.printf(Locale.ROOT, "median after warm-up, wall: full %,.0f, screen %,.0f events/s: %.2fx%n",
				median(wall[0], from), median(wall[1], from), median(wall[1], from) / median(wall[0], from));
		System.out.printf(Locale.ROOT,
				"median after warm-up, CPU:  full %,.0f, screen %,.0f events/s: %.2fx "
						+ "(%.2f vs %.2f us of CPU per event)%n",
				median(cpu[0], from), median(cpu[1], from), median(cpu[1], from) / median(cpu[0], from),
				1e6 / median(cpu[0], from), 1e6 / median(cpu[1], from));
	}

	private static List<Message<byte[]>> records(int count, int stuckEvery) {
		List<Message<byte[]>> records = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String user = "00u" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
			String uuid = UUID.randomUUID().toString();
			String event;
			if (i % stuckEvery == stuckEvery - 1) {
				event = MFA.formatted(user, uuid, "FAILURE",
						"Not found: Resource not found: " + user + " (UserFactor)");
			}
			else if (i % 10 == 3) {
				event = MFA.formatted(user, uuid, "SUCCESS", "");
			}
			else if (i % 20 == 7) {
				event = MFA.formatted(user, uuid, "FAILURE", "INVALID_CREDENTIALS");
			}
			else {
				event = SESSION_START.formatted(user, uuid);
			}
			records.add(MessageBuilder.withPayload(event.getBytes(StandardCharsets.UTF_8))
				.setHeader(KafkaHeaders.RECEIVED_PARTITION, i % 6)
				.setHeader(KafkaHeaders.OFFSET, (long) i)
				.build());
		}
		return records;
	}

	private static double median(double[] values, int from) {
		double[] sorted = Arrays.copyOfRange(values, from, values.length);
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
