package dev.factorhealer.followup;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ConfigurableApplicationContext;

import dev.factorhealer.system.KafkaReaders;
import dev.factorhealer.system.TopicNames;
import dev.factorhealer.system.TopicProperties;

/**
 * {@code java -jar okta-factor-healer.jar report [--since 7d] [--json]}: reads the
 * follow-ups topic and the open follow-ups from the beginning, with only Kafka started,
 * and prints what became of the users healed in the period, as a table or JSON. Exits 0,
 * 1 when Kafka could not be read, 2 for bad arguments.
 */
public final class ReportCommand {

	static final String USAGE = """
			usage: report [--since DURATION] [--json]
			  Follow-ups of the users healed (stuck factor unenrolled) in the last DURATION (default 7d;
			  e.g. 12h, 30d): how many re-enrolled SMS, failed again, showed no activity within
			  healer.followup.window or are still followed, and the median and p90 times from the first
			  failure to the DELETE and to a working SMS factor.
			  --json   print JSON instead of a table
			  --help   print this text""";

	private ReportCommand() {
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		Duration since = Duration.ofDays(7);
		boolean json = false;
		try {
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--help", "-h" -> {
						out.println(USAGE);
						return 0;
					}
					case "--json" -> json = true;
					case "--since" -> {
						if (i + 1 >= args.length) {
							throw new IllegalArgumentException("--since needs a duration such as 7d");
						}
						since = duration(args[++i]);
					}
					default -> {
						if (args[i].startsWith("--since=")) {
							since = duration(args[i].substring("--since=".length()));
						}
						else {
							throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
						}
					}
				}
			}
		}
		catch (IllegalArgumentException ex) {
			err.println("report: " + ex.getMessage());
			err.println(USAGE);
			return 2;
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReportOnly.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.cloud.function.definition=",
					"spring.cloud.stream.function.autodetect=false", "logging.level.root=WARN")
			.run()) {
			Instant until = Clock.systemUTC().instant();
			FollowUpReport report = read(context.getBean(KafkaProperties.class),
					context.getBean(TopicProperties.class).names(), until.minus(since), until);
			if (json) {
				out.println(JsonMapper.builder()
					.enable(SerializationFeature.INDENT_OUTPUT)
					.build()
					.writeValueAsString(report));
			}
			else {
				out.print(report.table());
			}
			return 0;
		}
		catch (RuntimeException ex) {
			err.println("report failed: " + ex.getMessage());
			return 1;
		}
	}

	static FollowUpReport read(KafkaProperties kafka, TopicNames topics, Instant since, Instant until) {
		JsonMapper mapper = JsonMapper.builder().build();
		Map<String, FollowUp> ended = new HashMap<>();
		for (byte[] value : readAll(kafka, topics.followups(), false).values()) {
			FollowUp followUp = parse(mapper, value, FollowUp.class);
			if (followUp != null && followUp.id() != null && followUp.outcome() != null) {
				ended.put(followUp.id(), followUp);
			}
		}
		List<FollowUpState> open = new ArrayList<>();
		Map<String, byte[]> states = readAll(kafka, topics.followupState(), true);
		for (byte[] value : states.values()) {
			FollowUpState state = parse(mapper, value, FollowUpState.class);
			if (state != null && state.isOpen() && state.healedAt() != null && !ended.containsKey(state.id())) {
				open.add(state);
			}
		}
		return FollowUpReport.of(since, until, ended.values(), open);
	}

	/**
	 * Every record of the topic up to its current end: the last value per key, or every
	 * record.
	 */
	private static Map<String, byte[]> readAll(KafkaProperties kafka, String topic, boolean lastPerKey) {
		Map<String, Object> config = KafkaReaders.config(kafka, "healer-report");
		Map<String, byte[]> values = new HashMap<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map(p -> new TopicPartition(topic, p.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			while (!caughtUp(consumer, ends.entrySet())) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					String key = lastPerKey || record.key() == null ? record.key()
							: record.key() + "@" + record.partition() + "/" + record.offset();
					if (key != null) {
						values.put(key, record.value());
					}
				}
			}
		}
		return values;
	}

	private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer,
			Collection<Map.Entry<TopicPartition, Long>> ends) {
		return ends.stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
	}

	private static <T> T parse(JsonMapper mapper, byte[] value, Class<T> type) {
		if (value == null) {
			return null;
		}
		try {
			return mapper.readValue(value, type);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static Duration duration(String text) {
		try {
			Duration duration = DurationStyle.detectAndParse(text);
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("--since must be positive");
			}
			return duration;
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("--since must be a duration such as 7d, 12h or 30m");
		}
	}

	/** Kafka and the topic names, nothing else (see {@code ReplayCommand.ReplayOnly}). */
	@EnableAutoConfiguration
	@EnableConfigurationProperties(TopicProperties.class)
	static class ReportOnly {

	}

}
