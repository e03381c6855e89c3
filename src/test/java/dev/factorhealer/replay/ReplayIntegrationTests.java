package dev.factorhealer.replay;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayIntegrationTests extends IntegrationTestSupport {

	private static final String DLQ = "okta.remediation.requests.dlq";

	private static final JsonMapper json = JsonMapper.builder().build();

	private TopicProbe results;

	private TopicProbe stuck;

	private TopicProbe requests;

	private TopicProbe parked;

	@BeforeEach
	void open() {
		okta().recover();
		this.results = TopicProbe.open("okta.remediation.results");
		this.stuck = TopicProbe.open(DLQ);
		this.requests = TopicProbe.open("okta.remediation.requests");
		this.parked = TopicProbe.open("okta.remediation.parked");
	}

	@AfterEach
	void close() {
		okta().recover();
		List.of(this.results, this.stuck, this.requests, this.parked).forEach(TopicProbe::close);
	}

	@Test
	void aRequestThatFailedWhileOktaWasDownIsHealedOnceByAReplayAfterItRecovers() {
		String user = okta().seedStuckUsers(1).get(0);
		okta().failAlways(503);
		Instant before = Instant.now();

		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);

		var dead = this.stuck.awaitRecords(1, r -> user.equals(r.key())).get(0);
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.ORIGINAL_TOPIC)).isEqualTo("okta.remediation.requests");
		assertThat(StuckRecordHeaders.originalPartition(dead.headers())).isNotNull();
		assertThat(StuckRecordHeaders.originalLong(dead.headers(), StuckRecordHeaders.ORIGINAL_OFFSET)).isNotNull();
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.ORIGINAL_KEY)).isEqualTo(user);
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.EXCEPTION)).endsWith("RemediationFailedException");
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.REASON)).contains("503");
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.EXCEPTION_FQCN)).isNotBlank();
		assertThat(TopicProbe.header(dead, StuckRecordHeaders.ATTEMPTS)).isEqualTo("1");
		assertThat(Instant.parse(TopicProbe.header(dead, StuckRecordHeaders.DEAD_LETTERED_AT))).isAfter(before);

		okta().recover();
		HttpResponse<String> replay = adminReplay("{\"topic\":\"" + DLQ + "\",\"userId\":\"" + user + "\"}",
				ADMIN_TOKEN);

		assertThat(replay.statusCode()).isEqualTo(200);
		assertThat(json.readTree(replay.body()).get("replayed").asLong()).isEqualTo(1);
		List<JsonNode> outcomes = Results.awaitForUser(this.results, user, 2);
		assertThat(outcomes).extracting(r -> r.get("outcome").asString()).containsExactly("FAILED", "DELETED");
		assertThat(okta().deletes().stream().filter(c -> c.path().contains(user) && c.status() == 204)).hasSize(1);
	}

	@Test
	void filtersSelectExactlyTheRecordsTheyShouldAndDryRunSendsNothing() throws Exception {
		String a = Deliveries.newUserId();
		String b = Deliveries.newUserId();
		String c = Deliveries.newUserId();
		Instant t = Instant.parse("2031-03-01T10:00:00Z");
		stuckRecord(a, t, "dev.factorhealer.okta.OktaException$Unavailable", "Okta answered 503");
		stuckRecord(b, t.plusSeconds(3600), "dev.factorhealer.remediation.RemediationFailedException",
				"deletion cap reached: 100 deletions in the last hour");
		stuckRecord(c, t.plusSeconds(7200), "dev.factorhealer.remediation.RemediationFailedException",
				"unenrolling factor x failed: HTTP 403");

		JsonNode window = replayReport("{\"topic\":\"" + DLQ + "\",\"since\":\"" + t.plusSeconds(1800)
				+ "\",\"until\":\"" + t.plusSeconds(10800) + "\",\"dryRun\":true,\"max\":100000}");
		JsonNode byUser = replayReport("{\"topic\":\"" + DLQ + "\",\"userId\":\"" + a + "\",\"dryRun\":true}");
		JsonNode byReason = replayReport("{\"topic\":\"" + DLQ + "\",\"since\":\"" + t.minusSeconds(1)
				+ "\",\"exception\":\"CAP REACHED\",\"dryRun\":true}");
		JsonNode byClass = replayReport("{\"topic\":\"" + DLQ + "\",\"since\":\"" + t.minusSeconds(1)
				+ "\",\"exception\":\"OktaException\",\"dryRun\":true}");

		assertThat(keys(window)).containsExactlyInAnyOrder(b, c);
		assertThat(keys(byUser)).containsExactly(a);
		assertThat(keys(byReason)).containsExactly(b);
		assertThat(keys(byClass)).containsExactly(a);
		assertThat(byUser.get("dryRun").asBoolean()).isTrue();
		assertThat(this.requests.settle(Duration.ofSeconds(1))).noneMatch(r -> List.of(a, b, c).contains(r.key()));
	}

	@Test
	void replayingTwiceSendsEachRecordOnce() throws Exception {
		String a = Deliveries.newUserId();
		String b = Deliveries.newUserId();
		Instant t = Instant.parse("2032-01-01T00:00:00Z");
		stuckRecord(a, t, "x.Boom", "boom");
		stuckRecord(b, t, "x.Boom", "boom");
		String body = "{\"topic\":\"" + DLQ + "\",\"since\":\"" + t + "\",\"until\":\"" + t.plusSeconds(1) + "\"}";

		JsonNode first = replayReport(body);
		JsonNode second = replayReport(body);

		assertThat(first.get("replayed").asLong()).isEqualTo(2);
		assertThat(second.get("replayed").asLong()).isZero();
		assertThat(second.get("alreadyReplayed").asLong()).isGreaterThanOrEqualTo(2);
		this.requests.awaitRecords(2, r -> List.of(a, b).contains(r.key()));
		var replayed = this.requests.settle(Duration.ofSeconds(1))
			.stream()
			.filter(r -> List.of(a, b).contains(r.key()))
			.toList();
		assertThat(replayed).hasSize(2);
		assertThat(replayed).allSatisfy(r -> {
			assertThat(TopicProbe.header(r, StuckRecordHeaders.REPLAY_COUNT)).isEqualTo("1");
			assertThat(TopicProbe.header(r, StuckRecordHeaders.ORIGINAL_TOPIC)).isNull();
		});

		JsonNode reset = replayReport(
				"{\"topic\":\"" + DLQ + "\",\"userId\":\"" + a + "\",\"reset\":\"" + t + "\",\"dryRun\":true}");
		assertThat(keys(reset)).containsExactly(a);
	}

	@Test
	void aRecordThatKeepsFailingIsParkedAfterThreeReplays() {
		String user = okta().seedStuckUsers(1).get(0);
		okta().deactivateUser(user);
		postHook(Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user))), SECRET);
		this.stuck.awaitRecords(1, r -> user.equals(r.key()));
		String body = "{\"topic\":\"" + DLQ + "\",\"userId\":\"" + user + "\"}";

		for (int replay = 1; replay <= 3; replay++) {
			assertThat(replayReport(body).get("replayed").asLong()).as("replay " + replay).isEqualTo(1);
			int expected = replay + 1;
			var back = this.stuck.awaitRecords(expected, r -> user.equals(r.key()));
			assertThat(TopicProbe.header(back.get(expected - 1), StuckRecordHeaders.REPLAY_COUNT))
				.isEqualTo(String.valueOf(replay));
		}
		JsonNode last = replayReport(body);

		assertThat(last.get("replayed").asLong()).isZero();
		assertThat(last.get("parked").asLong()).isEqualTo(1);
		assertThat(this.parked.awaitRecords(1, r -> user.equals(r.key()))).hasSize(1);
		assertThat(okta().factors(user)).anySatisfy(f -> assertThat(f.status()).isEqualTo("PENDING_ACTIVATION"));
	}

	@Test
	void theAdminEndpointRefusesAMissingOrWrongTokenAndBadBodies() {
		String body = "{\"topic\":\"" + DLQ + "\",\"dryRun\":true}";

		assertThat(adminReplay(body, null).statusCode()).isEqualTo(401);
		assertThat(adminReplay(body, ADMIN_TOKEN + "x").statusCode()).isEqualTo(401);
		assertThat(adminReplay(body, "").statusCode()).isEqualTo(401);
		for (String bad : List.of("{}", "not json", "{\"topic\":\"okta.events\"}",
				"{\"topic\":\"" + DLQ + "\",\"since\":\"yesterday\"}", "{\"topic\":\"" + DLQ + "\",\"max\":0}",
				"{\"topic\":\"" + DLQ + "\",\"bogus\":1}",
				"{\"topic\":\"" + DLQ + "\",\"since\":\"2030-01-02T00:00:00Z\",\"until\":\"2030-01-01T00:00:00Z\"}")) {
			HttpResponse<String> response = adminReplay(bad, ADMIN_TOKEN);
			assertThat(response.statusCode()).as(bad).isEqualTo(400);
			assertThat(response.body()).as(bad).contains("message");
		}
		assertThat(adminReplay(body, ADMIN_TOKEN).statusCode()).isEqualTo(200);
	}

	@Test
	void theReplayCommandPrintsTheReportAndExitsZero() throws Exception {
		String a = Deliveries.newUserId();
		stuckRecord(a, Instant.parse("2033-01-01T00:00:00Z"), "x.Boom", "boom");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		String previous = System.setProperty("spring.kafka.bootstrap-servers", KafkaTestBroker.bootstrapServers());
		int code;
		try {
			code = ReplayCommand.run(new String[] { "--topic", DLQ, "--user-id", a, "--dry-run" },
					new PrintStream(out, true, StandardCharsets.UTF_8),
					new PrintStream(err, true, StandardCharsets.UTF_8));
		}
		finally {
			// the command quiets the root logger for its own JVM; give this shared test
			// JVM its level back
			LoggingSystem.get(getClass().getClassLoader()).setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
			if (previous == null) {
				System.clearProperty("spring.kafka.bootstrap-servers");
			}
			else {
				System.setProperty("spring.kafka.bootstrap-servers", previous);
			}
		}

		assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
		JsonNode report = json.readTree(out.toString(StandardCharsets.UTF_8));
		assertThat(keys(report)).containsExactly(a);
		assertThat(ReplayCommand.run(new String[] { "--topic", "nope" }, System.out, new PrintStream(err)))
			.isEqualTo(2);
		assertThat(ReplayCommand.run(new String[] { "--since", "x" }, System.out, new PrintStream(err))).isEqualTo(2);
	}

	private JsonNode replayReport(String body) {
		HttpResponse<String> response = adminReplay(body, ADMIN_TOKEN);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static List<String> keys(JsonNode report) {
		return report.get("records").valueStream().map(r -> r.get("key").asString()).toList();
	}

	private HttpResponse<String> adminReplay(String body, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(managementUrl("/admin/replay"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return send(request.build());
	}

	/**
	 * A stuck request written as the error handler writes one, with a chosen time and
	 * cause.
	 */
	private static void stuckRecord(String user, Instant at, String exception, String reason) throws Exception {
		KafkaTemplate<String, String> template = new KafkaTemplate<>(
				new DefaultKafkaProducerFactory<>(Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()),
						new StringSerializer(), new StringSerializer()));
		ProducerRecord<String, String> record = new ProducerRecord<>(DLQ, user,
				"{\"userId\":\"" + user + "\",\"factorType\":\"sms\",\"sourceEventUuid\":\"" + Deliveries.newUuid()
						+ "\",\"detectedAt\":\"" + at + "\",\"reason\":\"test\"}");
		record.headers()
			.add(new RecordHeader(StuckRecordHeaders.ORIGINAL_TOPIC, utf8("okta.remediation.requests")))
			.add(new RecordHeader(StuckRecordHeaders.EXCEPTION, utf8(exception)))
			.add(new RecordHeader(StuckRecordHeaders.REASON, utf8(reason)))
			.add(new RecordHeader(StuckRecordHeaders.DEAD_LETTERED_AT, utf8(at.toString())));
		template.send(record).get();
		template.destroy();
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
