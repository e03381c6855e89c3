package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.system.SystemConfiguration;
import dev.factorhealer.support.DefaultTopicNames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /admin/replay} alone: the controller, the admin token check, and a real
 * {@link ReplayService} on the tests' Kafka broker.
 */
@WebMvcTest(controllers = AdminReplayController.class,
		// the management port is the server port: the admin controllers join the main
		// context
		properties = { "server.port=8080", "management.server.port=8080",
				"healer.admin.token=" + IntegrationTestSupport.ADMIN_TOKEN })
@Import({ SystemConfiguration.class, AdminReplayControllerTests.RealReplay.class })
class AdminReplayControllerTests {

	private static final String DLQ = "okta.remediation.requests.dlq";

	private static final String BEARER = "Bearer " + IntegrationTestSupport.ADMIN_TOKEN;

	@Autowired
	private MockMvcTester mvc;

	@Test
	void answers401WithoutTheAdminTokenAndReplaysNothing() {
		assertThat(this.mvc.post()
			.uri("/admin/replay")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"topic\":\"" + DLQ + "\"}")).hasStatus(HttpStatus.UNAUTHORIZED)
			.bodyJson()
			.extractingPath("$.error")
			.isEqualTo("unauthorized");
		assertThat(this.mvc.post()
			.uri("/admin/replay")
			.header("Authorization", BEARER + "x")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"topic\":\"" + DLQ + "\"}")).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void answers400ForABadRequest() {
		for (String body : List.of("{\"topic\":\"okta.events\"}", "{\"topic\":\"" + DLQ + "\",\"max\":0}",
				"{\"topic\":\"" + DLQ + "\",\"color\":\"red\"}", "{\"topic\":", "",
				"{\"topic\":\"okta.remediation.parked\"}")) {
			assertThat(post(body)).as(body)
				.hasStatus(HttpStatus.BAD_REQUEST)
				.bodyJson()
				.extractingPath("$.error")
				.isEqualTo("invalid");
		}
	}

	@Test
	void answersAReplayWithItsReportAndASecondOneWithNothingSent() throws Exception {
		String user = "00u" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
		RealReplay.stuck(user);
		String request = "{\"topic\":\"" + DLQ + "\",\"userId\":\"" + user + "\"}";

		MvcTestResult dryRun = post(request.replace("}", ",\"dryRun\":true}")).exchange();
		assertThat(dryRun).hasStatus(HttpStatus.OK);
		assertThat(dryRun).bodyJson().extractingPath("$.dryRun").isEqualTo(true);
		assertThat(dryRun).bodyJson().extractingPath("$.replayed").isEqualTo(1);

		MvcTestResult first = post(request).exchange();
		assertThat(first).hasStatus(HttpStatus.OK);
		assertThat(first).bodyJson().extractingPath("$.topic").isEqualTo(DLQ);
		assertThat(first).bodyJson().extractingPath("$.replayed").isEqualTo(1);
		assertThat(first).bodyJson().extractingPath("$.records[0].key").isEqualTo(user);
		assertThat(first).bodyJson().extractingPath("$.records[0].action").isEqualTo("replay");
		assertThat(first).bodyJson()
			.extractingPath("$.records[0].originalTopic")
			.isEqualTo("okta.remediation.requests");

		MvcTestResult second = post(request).exchange();
		assertThat(second).hasStatus(HttpStatus.OK);
		assertThat(second).bodyJson().extractingPath("$.replayed").isEqualTo(0);
		// the stuck topic is shared with other test classes: their replayed records count
		// too
		assertThat(second).bodyJson().extractingPath("$.alreadyReplayed").asNumber().isNotEqualTo(0);
		assertThat(second).bodyJson().extractingPath("$.records").asArray().isEmpty();
	}

	private MockMvcTester.MockMvcRequestBuilder post(String body) {
		return this.mvc.post()
			.uri("/admin/replay")
			.header("Authorization", BEARER)
			.contentType(MediaType.APPLICATION_JSON)
			.content(body);
	}

	/** The real replay on the tests' broker, with the topics it reads and writes. */
	@TestConfiguration(proxyBeanMethods = false)
	static class RealReplay {

		@Bean
		ReplayService replayService() throws Exception {
			String bootstrap = KafkaTestBroker.bootstrapServers();
			try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
				for (String topic : List.of(DLQ, "okta.remediation.requests", "okta.replay.ledger",
						"okta.remediation.parked")) {
					create(admin, topic);
				}
			}
			Map<String, Object> consumer = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
					ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
					"read_committed");
			return new ReplayService(
					() -> new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
					() -> producer(), new ReplayProperties(3), DefaultTopicNames.get(), Clock.systemUTC(),
					new SimpleMeterRegistry());
		}

		private static void create(Admin admin, String topic) throws InterruptedException {
			try {
				admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					throw new IllegalStateException(ex);
				}
			}
		}

		private static KafkaProducer<byte[], byte[]> producer() {
			return new KafkaProducer<>(
					Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers(),
							ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
					new ByteArraySerializer(), new ByteArraySerializer());
		}

		private static KafkaTemplate<byte[], byte[]> template() {
			return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
					Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers(),
							ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
					new ByteArraySerializer(), new ByteArraySerializer()));
		}

		static void stuck(String user) throws Exception {
			ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(DLQ, bytes(user),
					bytes("{\"userId\":\"" + user + "\",\"factorType\":\"sms\"}"));
			record.headers()
				.add(new RecordHeader(StuckRecordHeaders.ORIGINAL_TOPIC, bytes("okta.remediation.requests")))
				.add(new RecordHeader(StuckRecordHeaders.EXCEPTION, bytes("RemediationFailedException")))
				.add(new RecordHeader(StuckRecordHeaders.REASON, bytes("Okta answered 503")))
				.add(new RecordHeader(StuckRecordHeaders.DEAD_LETTERED_AT, bytes(Instant.now().toString())));
			KafkaTemplate<byte[], byte[]> template = template();
			template.send(record).get();
			template.destroy();
		}

		private static byte[] bytes(String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}

	}

}
