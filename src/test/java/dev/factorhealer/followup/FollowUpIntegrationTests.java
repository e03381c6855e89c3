package dev.factorhealer.followup;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

import org.springframework.test.context.TestPropertySource;

import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.PrometheusText;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static dev.factorhealer.followup.FollowUpFixtures.activationEvent;
import static dev.factorhealer.followup.FollowUpFixtures.oktaTime;
import static dev.factorhealer.followup.FollowUpFixtures.stuckEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Healed users followed to the end, on a real broker against the fake Okta org:
 * activations come through the org's System Log (this context polls it), failures through
 * the hook. The window is shortened to seconds; the follow-up's topics and group are this
 * class's own, so other test classes on the shared broker neither see nor feed them.
 */
@TestPropertySource(properties = { "healer.followup.window=" + FollowUpIntegrationTests.WINDOW,
		"healer.topics.names.followups=" + FollowUpIntegrationTests.FOLLOWUPS,
		"healer.topics.names.followup-state=" + FollowUpIntegrationTests.STATE,
		"healer.followup.group=healer-followup-it", "healer.followup.brake.enabled=false",
		"healer.systemlog.enabled=true", "healer.systemlog.interval=1s", "healer.systemlog.look-back=2m",
		"healer.systemlog.requests-per-minute=40",
		"healer.topics.names.systemlog-cursor=okta.systemlog.cursor.followup-it",
		"healer.systemlog.lease-group=healer-systemlog-lease-followup-it" })
class FollowUpIntegrationTests extends IntegrationTestSupport {

	static final String WINDOW = "12s";

	static final String FOLLOWUPS = "okta.remediation.followups.it";

	static final String STATE = "okta.remediation.followup.state.it";

	private static final JsonMapper json = JsonMapper.builder().build();

	private TopicProbe results;

	private TopicProbe followUps;

	@BeforeEach
	void open() {
		okta().recover();
		this.results = TopicProbe.open("okta.remediation.results");
		this.followUps = TopicProbe.open(FOLLOWUPS);
	}

	@AfterEach
	void close() {
		this.results.close();
		this.followUps.close();
	}

	@Test
	void aHealedUserWhoActivatesSmsAgainEndsReenrolledWithTheTimeFromTheFailure() {
		String user = okta().seedStuckUsers(1).get(0);
		Instant failedAt = oktaTime(Instant.now().minus(Duration.ofMinutes(10)));
		JsonNode healed = heal(user, failedAt);
		Instant activatedAt = oktaTime(Instant.now().plusMillis(50));
		String smsEvent = Deliveries.newUuid();
		// Identity Engine: one event per method of the Phone authenticator, same
		// timestamp
		okta().appendLogEvent(activationEvent(Deliveries.newUuid(), user, "voice", activatedAt));
		okta().appendLogEvent(activationEvent(smsEvent, user, "sms", activatedAt));

		JsonNode followUp = awaitFollowUp(user);

		assertThat(followUp.get("outcome").asString()).isEqualTo("REENROLLED");
		assertThat(followUp.get("endEventUuid").asString()).isEqualTo(smsEvent);
		assertThat(Instant.parse(followUp.get("failedAt").asString())).isEqualTo(failedAt);
		assertThat(followUp.get("healedAt").asString()).isEqualTo(healed.get("finishedAt").asString());
		assertThat(Instant.parse(followUp.get("endedAt").asString())).isEqualTo(activatedAt);
		assertThat(followUp.get("timeToWorkingSmsSeconds").asDouble())
			.isCloseTo(Duration.between(failedAt, activatedAt).toMillis() / 1000.0, within(0.0005));
		assertThat(this.followUps.settle(Duration.ofSeconds(1))).filteredOn(r -> user.equals(r.key())).hasSize(1);
		String metrics = scrapeMetrics();
		assertThat(PrometheusText.value(metrics, "healer_followup_outcomes_total", "outcome=\"REENROLLED\""))
			.isGreaterThanOrEqualTo(1);
		assertThat(PrometheusText.value(metrics, "healer_followup_time_to_working_sms_seconds_count"))
			.isGreaterThanOrEqualTo(1);
		assertThat(PrometheusText.value(metrics, "healer_followup_time_to_heal_seconds_count"))
			.isGreaterThanOrEqualTo(1);
	}

	@Test
	void aHealedUserWhoHitsTheStuckFactorErrorAgainEndsFailedAgain() {
		String user = okta().seedStuckUsers(1).get(0);
		Instant failedAt = oktaTime(Instant.now().minus(Duration.ofMinutes(3)));
		heal(user, failedAt);
		// the System Log hands over a failure from before the DELETE late: not a repeat
		// failure
		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(stuckEvent(Deliveries.newUuid(), user, failedAt.plusSeconds(5)))), SECRET);
		String again = Deliveries.newUuid();
		Instant againAt = oktaTime(Instant.now().plusMillis(50));
		postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(stuckEvent(again, user, againAt))), SECRET);

		JsonNode followUp = awaitFollowUp(user);

		assertThat(followUp.get("outcome").asString()).isEqualTo("FAILED_AGAIN");
		assertThat(followUp.get("endEventUuid").asString()).isEqualTo(again);
		assertThat(Instant.parse(followUp.get("endedAt").asString())).isEqualTo(againAt);
		assertThat(followUp.get("timeToWorkingSmsSeconds").isNull()).isTrue();
		assertThat(PrometheusText.value(scrapeMetrics(), "healer_followup_outcomes_total", "outcome=\"FAILED_AGAIN\""))
			.isGreaterThanOrEqualTo(1);
	}

	@Test
	void aHealedUserWhoDoesNothingButSetUpVoiceEndsNoActivityAfterTheWindow() {
		String user = okta().seedStuckUsers(1).get(0);
		JsonNode healed = heal(user, oktaTime(Instant.now().minusSeconds(30)));
		postHook(
				Deliveries.delivery(Deliveries.newUuid(), List
					.of(activationEvent(Deliveries.newUuid(), user, "voice", oktaTime(Instant.now().plusMillis(50))))),
				SECRET);

		JsonNode followUp = await().atMost(Duration.ofSeconds(40))
			.until(() -> this.followUps.records(r -> user.equals(r.key())).stream().map(Results::tree).toList(),
					l -> !l.isEmpty())
			.get(0);

		assertThat(followUp.get("outcome").asString()).isEqualTo("NO_ACTIVITY");
		Instant healedAt = Instant.parse(healed.get("finishedAt").asString());
		assertThat(Instant.parse(followUp.get("endedAt").asString()))
			.isEqualTo(healedAt.plus(Duration.parse("PT" + WINDOW.toUpperCase())));
		assertThat(followUp.get("endEventUuid").isNull()).isTrue();
	}

	@Test
	void theReportsFiguresMatchTheFollowUpRecords() {
		List<String> users = okta().seedStuckUsers(3);
		users.forEach(u -> heal(u, oktaTime(Instant.now().minusSeconds(120))));
		Instant now = oktaTime(Instant.now().plusMillis(50));
		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(activationEvent(Deliveries.newUuid(), users.get(0), "sms", now),
						activationEvent(Deliveries.newUuid(), users.get(1), "sms", now.plusSeconds(1)),
						stuckEvent(Deliveries.newUuid(), users.get(2), now))),
				SECRET);
		users.forEach(this::awaitFollowUp);
		// every follow-up of this context has ended (the window is short), so the figures
		// stand still
		await().atMost(Duration.ofSeconds(40))
			.until(() -> PrometheusText.value(scrapeMetrics(), "healer_followup_open") == 0);
		Map<String, JsonNode> records = new HashMap<>();
		allRecords(FOLLOWUPS).forEach(r -> records.put(r.get("id").asString(), r));
		List<Double> toSms = records.values()
			.stream()
			.filter(r -> r.get("outcome").asString().equals("REENROLLED"))
			.map(r -> r.get("timeToWorkingSmsSeconds").asDouble())
			.sorted()
			.toList();

		JsonNode report = json.readTree(report("--since", "1h", "--json"));

		assertThat(report.get("healed").asInt()).isEqualTo(records.size()).isGreaterThanOrEqualTo(3);
		assertThat(report.get("reenrolled").asInt()).isEqualTo(count(records, "REENROLLED")).isGreaterThanOrEqualTo(2);
		assertThat(report.get("failedAgain").asInt()).isEqualTo(count(records, "FAILED_AGAIN"))
			.isGreaterThanOrEqualTo(1);
		assertThat(report.get("noActivity").asInt()).isEqualTo(count(records, "NO_ACTIVITY"));
		assertThat(report.get("open").asInt()).isZero();
		assertThat(report.get("timeToWorkingSmsSeconds").get("median").asDouble())
			.isEqualTo(toSms.get((int) Math.ceil(0.5 * toSms.size()) - 1));
		assertThat(report.get("timeToWorkingSmsSeconds").get("p90").asDouble())
			.isEqualTo(toSms.get((int) Math.ceil(0.9 * toSms.size()) - 1));
		assertThat(report("--since", "1h")).contains("re-enrolled SMS")
			.containsPattern("failed again\\s+" + count(records, "FAILED_AGAIN") + "\\b");
		assertThat(report("--help")).startsWith("usage: report");
		assertThat(ReportCommand.run(new String[] { "--since", "soon" }, System.out,
				new PrintStream(new ByteArrayOutputStream())))
			.isEqualTo(2);
	}

	/**
	 * Runs the report command against this class's topics, as
	 * {@code java -jar ... report} would.
	 */
	private static String report(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		Map<String, String> settings = Map.of("spring.kafka.bootstrap-servers", KafkaTestBroker.bootstrapServers(),
				"healer.topics.names.followups", FOLLOWUPS, "healer.topics.names.followup-state", STATE);
		settings.forEach(System::setProperty);
		try {
			assertThat(ReportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err))
				.isZero();
		}
		finally {
			settings.keySet().forEach(System::clearProperty);
			// the command quiets the root logger for its own JVM; give this shared test
			// JVM its level back
			LoggingSystem.get(FollowUpIntegrationTests.class.getClassLoader())
				.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	private static long count(Map<String, JsonNode> records, String outcome) {
		return records.values().stream().filter(r -> r.get("outcome").asString().equals(outcome)).count();
	}

	private static List<JsonNode> allRecords(String topic) {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
		props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		List<JsonNode> all = new ArrayList<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map(p -> new TopicPartition(topic, p.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
				consumer.poll(Duration.ofMillis(200)).forEach(r -> all.add(Results.tree(r)));
			}
		}
		return all;
	}

	/** Posts the user's stuck-factor failure to the hook and waits for the DELETE. */
	private JsonNode heal(String user, Instant failedAt) {
		postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(stuckEvent(Deliveries.newUuid(), user, failedAt))),
				SECRET);
		JsonNode result = Results.awaitForUser(this.results, user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("DELETED");
		return result;
	}

	private JsonNode awaitFollowUp(String user) {
		return Results.tree(this.followUps.awaitRecords(1, r -> user.equals(r.key())).get(0));
	}

}
