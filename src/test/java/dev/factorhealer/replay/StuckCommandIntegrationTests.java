package dev.factorhealer.replay;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.RemediationProbes;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's commands around stuck records: {@code stuck list} shows a dead-lettered
 * request with why, when, attempts and where it came from;
 * {@code replay --topic okta.remediation.parked} releases a parked record only with
 * {@code --confirm}; every command answers {@code --help} and {@code --version}.
 */
class StuckCommandIntegrationTests extends IntegrationTestSupport {

	private static final String PARKED = "okta.remediation.parked";

	private static final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final RemediationProbes probes = new RemediationProbes();

	@Test
	void stuckListShowsADeadLetteredRequestWithWhyWhenAndWhereFrom() {
		// a deactivated user: Okta refuses, the request fails at once (no retries, no
		// circuit breaker trip)
		String user = okta().seedStuckUsers(1).get(0);
		okta().deactivateUser(user);
		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);
		var dead = this.probes.stuck().awaitRecords(1, (r) -> user.equals(r.key())).get(0);
		String reason = TopicProbe.header(dead, StuckRecordHeaders.REASON);

		Run text = command(StuckCommand::run, "list", "--user", user, "--since", "1h");
		System.out.println("SCENARIO stuck list output:\n" + text.out);

		assertThat(text.code).as(text.err).isZero();
		assertThat(text.out).contains("okta.remediation.requests.dlq " + dead.partition() + "@" + dead.offset())
			.contains("key " + user)
			.contains("attempts 1")
			.contains("replays 0")
			.contains("from okta.remediation.requests " + StuckRecordHeaders.originalPartition(dead.headers()) + "@"
					+ StuckRecordHeaders.originalLong(dead.headers(), StuckRecordHeaders.ORIGINAL_OFFSET))
			.contains("why  dev.factorhealer.remediation.RemediationFailedException: " + reason)
			.contains("1 stuck record(s)");

		Run asJson = command(StuckCommand::run, "list", "--topic", "okta.remediation.requests.dlq", "--user", user,
				"--exception", "remediationfailed", "--json");
		JsonNode records = json.readTree(asJson.out);
		assertThat(records.size()).isEqualTo(1);
		assertThat(records.get(0).get("originalTopic").asString()).isEqualTo("okta.remediation.requests");
		assertThat(records.get(0).get("attempts").asString()).isEqualTo("1");
		assertThat(Instant.parse(records.get(0).get("stuckAt").asString())).isBeforeOrEqualTo(Instant.now());

		assertThat(command(StuckCommand::run, "list", "--user", user, "--exception", "OktaException$Throttled").out)
			.contains("0 stuck record(s)");
		assertThat(command(StuckCommand::run, "list", "--topic", "okta.events").code).isEqualTo(2);
	}

	@Test
	void aParkedRecordIsReleasedToItsOriginalTopicOnlyWithConfirm() throws Exception {
		String user = okta().seedStuckUsers(1).get(0);
		parkedRequest(user);

		Run refused = command(ReplayCommand::run, "--topic", PARKED, "--user-id", user);
		assertThat(refused.code).isEqualTo(2);
		assertThat(refused.err).contains("--confirm");
		Run dryRun = command(ReplayCommand::run, "--topic", PARKED, "--user-id", user, "--dry-run");
		assertThat(json.readTree(dryRun.out).get("replayed").asLong()).isEqualTo(1);
		assertThat(Results.forUser(this.probes.results(), user)).isEmpty();

		Run released = command(ReplayCommand::run, "--topic", PARKED, "--user-id", user, "--confirm");

		assertThat(released.code).as(released.err).isZero();
		JsonNode report = json.readTree(released.out);
		assertThat(report.get("replayed").asLong()).isEqualTo(1);
		assertThat(report.get("records").get(0).get("action").asString()).isEqualTo("release");
		assertThat(Results.awaitForUser(this.probes.results(), user, 1).get(0).get("outcome").asString())
			.isEqualTo("DELETED");
		Run again = command(ReplayCommand::run, "--topic", PARKED, "--user-id", user, "--confirm");
		assertThat(json.readTree(again.out).get("replayed").asLong()).isZero();
	}

	@Test
	void everyCommandAnswersHelpAndVersion() {
		for (BiFunction<String[], PrintStream[], Integer> command : List
			.<BiFunction<String[], PrintStream[], Integer>>of((args, out) -> ReplayCommand.run(args, out[0], out[1]),
					(args, out) -> StuckCommand.run(args, out[0], out[1]))) {
			Run help = run(command, "--help");
			assertThat(help.code).isZero();
			assertThat(help.out).startsWith("usage: java -jar okta-factor-healer.jar");
			Run version = run(command, "--version");
			assertThat(version.code).isZero();
			assertThat(version.out).startsWith("okta-factor-healer ").containsPattern("\\d+\\.\\d+\\.\\d+");
		}
		assertThat(command(StuckCommand::run, "list", "--help").out).contains("--exception");
	}

	/**
	 * A request as the loop guard parks it: replayed three times, original topic kept.
	 */
	private static void parkedRequest(String user) throws Exception {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()), new StringSerializer(),
				new StringSerializer())) {
			ProducerRecord<String, String> record = new ProducerRecord<>(PARKED, user,
					"{\"userId\":\"" + user + "\",\"factorType\":\"sms\",\"sourceEventUuid\":\"" + Deliveries.newUuid()
							+ "\",\"detectedAt\":\"" + Instant.now() + "\",\"reason\":\"test\"}");
			record.headers()
				.add(new RecordHeader(StuckRecordHeaders.ORIGINAL_TOPIC, utf8("okta.remediation.requests")))
				.add(new RecordHeader(StuckRecordHeaders.EXCEPTION,
						utf8("dev.factorhealer.remediation.RemediationFailedException")))
				.add(new RecordHeader(StuckRecordHeaders.REASON, utf8("unenrolling factor failed: HTTP 403")))
				.add(new RecordHeader(StuckRecordHeaders.DEAD_LETTERED_AT, utf8(Instant.now().toString())))
				.add(new RecordHeader(StuckRecordHeaders.REPLAY_COUNT, utf8("3")));
			producer.send(record).get();
		}
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private record Run(int code, String out, String err) {

	}

	private interface Command {

		int run(String[] args, PrintStream out, PrintStream err);

	}

	private static Run command(Command command, String... args) {
		return run((a, streams) -> command.run(a, streams[0], streams[1]), args);
	}

	/** Runs a command of the jar against the test broker, as an operator would. */
	private static Run run(BiFunction<String[], PrintStream[], Integer> command, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		String previous = System.setProperty("spring.kafka.bootstrap-servers", KafkaTestBroker.bootstrapServers());
		int code;
		try {
			code = command.apply(args, new PrintStream[] { new PrintStream(out, true, StandardCharsets.UTF_8),
					new PrintStream(err, true, StandardCharsets.UTF_8) });
		}
		finally {
			// the commands quiet the root logger for their own JVM; give this shared test
			// JVM its level back
			LoggingSystem.get(StuckCommandIntegrationTests.class.getClassLoader())
				.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
			if (previous == null) {
				System.clearProperty("spring.kafka.bootstrap-servers");
			}
			else {
				System.setProperty("spring.kafka.bootstrap-servers", previous);
			}
		}
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

}
