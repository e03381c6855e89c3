package dev.factorhealer.replay;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ConfigurableApplicationContext;

import dev.factorhealer.replay.StuckRecords.Filter;
import dev.factorhealer.replay.StuckRecords.StuckRecord;
import dev.factorhealer.system.BuildVersion;
import dev.factorhealer.system.KafkaReaders;
import dev.factorhealer.system.TopicNames;

/**
 * {@code java -jar okta-factor-healer.jar stuck list [--topic T] [--user ID] [--exception TEXT]
 * [--since ISO-8601|24h|7d] [--max N] [--json]}: prints stuck records with why, when, how
 * many attempts and where they came from, without moving them; exit 0, 1 when Kafka could
 * not be read, 2 for bad arguments.
 */
public final class StuckCommand {

	private static final Set<String> OPTIONS = Set.of("topic", "user", "exception", "since", "max");

	private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

	static final String USAGE = """
			usage: java -jar okta-factor-healer.jar stuck list [options]
			  Lists stuck records (nothing is moved): why, when, attempts, replays, original topic/partition/offset.
			  --topic TOPIC       okta.remediation.requests.dlq, okta.events.dlq or okta.remediation.parked (default: all three)
			  --user ID           only records of this Okta user (the record key)
			  --exception TEXT    only records whose exception or reason contains TEXT (any case)
			  --since WHEN        only records stuck since WHEN: an ISO-8601 instant or an age like 90m, 24h, 7d
			  --max N             at most N records (default 100)
			  --json              one JSON array instead of text
			  --help, --version
			  Then: replay --topic ... (see replay --help); parked records need --confirm.""";

	private StuckCommand() {
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		if (BuildVersion.wantsHelp(args) || args.length == 0) {
			(args.length == 0 ? err : out).println(USAGE);
			return args.length == 0 ? 2 : 0;
		}
		if (BuildVersion.wantsVersion(args)) {
			out.println(BuildVersion.describe());
			return 0;
		}
		Listing listing;
		try {
			listing = parse(args, Clock.systemUTC());
		}
		catch (IllegalArgumentException ex) {
			err.println("stuck: " + ex.getMessage());
			err.println(USAGE);
			return 2;
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReplayCommand.ReplayOnly.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.cloud.function.definition=",
					"spring.cloud.stream.function.autodetect=false", "logging.level.root=WARN")
			.run()) {
			List<String> topics;
			try {
				topics = listing.topics(context.getBean(TopicNames.class));
			}
			catch (IllegalArgumentException ex) {
				err.println("stuck: " + ex.getMessage());
				err.println(USAGE);
				return 2;
			}
			Map<String, Object> consumer = KafkaReaders.config(context.getBean(KafkaProperties.class),
					"healer-stuck-list");
			List<StuckRecord> records = new StuckRecords(
					() -> new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
				.list(topics, listing.filter());
			print(records, listing, topics, out);
			return 0;
		}
		catch (RuntimeException ex) {
			err.println("stuck list failed: " + ex.getMessage());
			return 1;
		}
	}

	/** What to list; {@code topic} is {@code null} for every stuck topic. */
	record Listing(String topic, Filter filter, boolean json) {

		/** The topics to read, checked against this deployment's names. */
		List<String> topics(TopicNames names) {
			List<String> stuck = List.of(names.eventsStuck(), names.requestsStuck(), names.parked());
			if (this.topic != null && !stuck.contains(this.topic)) {
				throw new IllegalArgumentException("--topic must be one of " + stuck);
			}
			return (this.topic == null) ? stuck : List.of(this.topic);
		}

	}

	static Listing parse(String[] args, Clock clock) {
		if (!"list".equals(args[0])) {
			throw new IllegalArgumentException("unknown subcommand '" + args[0] + "' (only 'list')");
		}
		Map<String, String> values = new HashMap<>();
		boolean json = false;
		for (int i = 1; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("unexpected argument '" + arg + "'");
			}
			String name = arg.substring(2);
			if (name.equals("json")) {
				json = true;
				continue;
			}
			if (!OPTIONS.contains(name)) {
				throw new IllegalArgumentException("unknown option --" + name);
			}
			if (i + 1 >= args.length) {
				throw new IllegalArgumentException("--" + name + " needs a value");
			}
			values.put(name, args[++i]);
		}
		String topic = values.get("topic");
		int max;
		try {
			max = Integer.parseInt(values.getOrDefault("max", "100"));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--max must be a number");
		}
		if (max < 1) {
			throw new IllegalArgumentException("--max must be at least 1");
		}
		return new Listing(topic,
				new Filter(values.get("user"), values.get("exception"), since(values.get("since"), clock), max), json);
	}

	private static Instant since(String value, Clock clock) {
		if (value == null) {
			return null;
		}
		Matcher ago = AGO.matcher(value);
		if (ago.matches()) {
			long amount = Long.parseLong(ago.group(1));
			Duration duration = switch (ago.group(2)) {
				case "s" -> Duration.ofSeconds(amount);
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				default -> Duration.ofDays(amount);
			};
			return clock.instant().minus(duration);
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(
					"--since must be an ISO-8601 instant like 2026-11-28T09:00:00Z or an age like 24h");
		}
	}

	static void print(List<StuckRecord> records, Listing listing, List<String> topics, PrintStream out) {
		if (listing.json()) {
			out.println(JsonMapper.builder()
				.enable(SerializationFeature.INDENT_OUTPUT)
				.build()
				.writeValueAsString(records));
			return;
		}
		Map<String, Integer> perTopic = new LinkedHashMap<>();
		topics.forEach((topic) -> perTopic.put(topic, 0));
		for (StuckRecord record : records) {
			perTopic.merge(record.topic(), 1, Integer::sum);
			out.printf("%s %d@%d  key %s  stuck %s  attempts %s  replays %d%n", record.topic(), record.partition(),
					record.offset(), record.key(), record.stuckAt(),
					record.attempts() == null ? "?" : record.attempts(), record.replayCount());
			out.printf("    from %s %s@%s%s%n", record.originalTopic(), record.originalPartition(),
					record.originalOffset(),
					record.originalTimestamp() == null ? "" : " (" + record.originalTimestamp() + ")");
			out.printf("    why  %s: %s%n", record.exception(), record.reason());
		}
		out.printf("%d stuck record(s)%s: %s%n", records.size(),
				records.size() >= listing.filter().max() ? " (--max reached)" : "", perTopic);
	}

}
