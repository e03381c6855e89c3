package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.factorhealer.detection.RemediationRequest;
import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.RecordedCall;
import dev.factorhealer.okta.OktaFactors;
import dev.factorhealer.okta.OktaTestClients;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The remediation's decision table: what the factors look like and what Okta answers,
 * against the outcome and the calls Okta receives. The real Okta client against the fake
 * org, the real deletion ledger on the test broker (a topic of its own per test).
 */
class RemediatorTests {

	private static final Instant FAILED_AT = Instant.parse("2026-11-28T09:12:44.123Z");

	private static final JsonMapper json = JsonMapper.builder().build();

	private static FakeOktaOrg org;

	private static OktaFactors okta;

	private DeletionLedger ledger;

	private RemediationModeSwitch modes;

	private RemediationBrake brake;

	@BeforeAll
	static void startOrg() {
		org = FakeOktaOrg.start();
		okta = OktaTestClients.factors(org, Map.of());
	}

	@AfterAll
	static void stopOrg() {
		org.close();
	}

	@AfterEach
	void stopLedger() {
		org.recover();
		if (this.ledger != null && this.ledger.isRunning()) {
			this.ledger.stop();
		}
		if (this.modes != null && this.modes.isRunning()) {
			this.modes.stop();
		}
		if (this.brake != null && this.brake.isRunning()) {
			this.brake.stop();
		}
	}

	static Stream<Arguments> decisions() {
		return Stream.of(arguments("pending sms older than the failure", "sms", "PENDING_ACTIVATION",
				FAILED_AT.minusSeconds(3600), (Consumer<FakeOktaOrg>) o -> {
				}, RemediationOutcome.DELETED, List.of("GET", "DELETE 204")),
				arguments("pending sms younger than the failure", "sms", "PENDING_ACTIVATION",
						FAILED_AT.plusSeconds(60), (Consumer<FakeOktaOrg>) o -> {
						}, RemediationOutcome.NEWER_THAN_FAILURE, List.of("GET")),
				arguments("active sms", "sms", "ACTIVE", FAILED_AT.minusSeconds(3600), (Consumer<FakeOktaOrg>) o -> {
				}, RemediationOutcome.NOT_PENDING, List.of("GET")), arguments("pending call (not an allowed type)",
						"call", "PENDING_ACTIVATION", FAILED_AT.minusSeconds(3600), (Consumer<FakeOktaOrg>) o -> {
						}, RemediationOutcome.NOT_PENDING, List.of("GET")),
				arguments("turns ACTIVE while its DELETE answers 503", "sms", "PENDING_ACTIVATION",
						FAILED_AT.minusSeconds(3600), (Consumer<FakeOktaOrg>) o -> o.activateDuringFailedDelete(1, 503),
						RemediationOutcome.NOT_PENDING, List.of("GET", "DELETE 503", "GET")),
				arguments("deleted behind a 503", "sms", "PENDING_ACTIVATION", FAILED_AT.minusSeconds(3600),
						(Consumer<FakeOktaOrg>) o -> o.deleteTakesEffectButFails(1, 503), RemediationOutcome.DELETED,
						List.of("GET", "DELETE 503", "GET")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("decisions")
	void decidesFromAFreshReadOfTheFactor(String name, String type, String status, Instant created,
			Consumer<FakeOktaOrg> fault, RemediationOutcome expected, List<String> calls) {
		String user = Deliveries.newUserId();
		org.addUser(user);
		String factor = org.addFactor(user, null, type, status);
		org.setFactorCreated(user, factor, created);
		fault.accept(org);
		Remediator remediator = remediator(Map.of(), 100);

		RemediationResult result = remediator.remediate(request(user));

		assertThat(result.outcome()).isEqualTo(expected);
		assertThat(calls(user)).containsExactlyElementsOf(calls);
		if (expected != RemediationOutcome.DELETED) {
			assertThat(org.factorStatus(user, factor)).isPresent();
		}
	}

	@Test
	void aSecondPendingFactorIsReadAgainBeforeItsDelete() {
		String user = Deliveries.newUserId();
		org.addUser(user);
		org.addFactor(user, null, "sms", "PENDING_ACTIVATION");
		org.addFactor(user, null, "sms", "PENDING_ACTIVATION");

		RemediationResult result = remediator(Map.of(), 100).remediate(request(user));

		assertThat(result.outcome()).isEqualTo(RemediationOutcome.DELETED);
		assertThat(result.factorIds()).hasSize(2);
		assertThat(calls(user)).containsExactly("GET", "DELETE 204", "GET", "DELETE 204");
	}

	@Test
	void dryRunReadsAndNeverDeletes() {
		String user = org.seedStuckUsers(1).get(0);

		RemediationResult result = remediator(Map.of("mode", "dry-run"), 100).remediate(request(user));

		assertThat(result.outcome()).isEqualTo(RemediationOutcome.DRY_RUN);
		assertThat(calls(user)).containsExactly("GET");
	}

	@Test
	void aRestartAfterNDeletionsKeepsTheCapAtMaxMinusN() {
		String topic = "okta.remediation.deletions." + UUID.randomUUID();
		List<String> users = org.seedStuckUsers(5);
		Remediator first = remediator(Map.of(), 3, topic);
		assertThat(first.remediate(request(users.get(0))).outcome()).isEqualTo(RemediationOutcome.DELETED);
		assertThat(first.remediate(request(users.get(1))).outcome()).isEqualTo(RemediationOutcome.DELETED);
		this.ledger.stop();

		// a new process: the ledger is read again from Kafka
		Remediator second = remediator(Map.of(), 3, topic);
		RemediationResult third = second.remediate(request(users.get(2)));
		RemediationResult fourth = second.remediate(request(users.get(3)));

		assertThat(third.outcome()).isEqualTo(RemediationOutcome.DELETED);
		assertThat(fourth.outcome()).isEqualTo(RemediationOutcome.FAILED);
		assertThat(fourth.failureReason()).isEqualTo(FailureReason.DELETION_CAP);
		assertThat(fourth.detail()).startsWith("deletion cap reached: ");
		assertThat(calls(users.get(3))).containsExactly("GET");
		assertThat(this.ledger.used()).isEqualTo(3);
	}

	@Test
	void aDeleteThatGotA503KeepsItsSlotEvenWhenItTookEffect() {
		String topic = "okta.remediation.deletions." + UUID.randomUUID();
		List<String> users = org.seedStuckUsers(2);
		Remediator remediator = remediator(Map.of(), 5, topic);
		org.deleteTakesEffectButFails(1, 503);

		assertThat(remediator.remediate(request(users.get(0))).outcome()).isEqualTo(RemediationOutcome.DELETED);

		assertThat(this.ledger.used()).isEqualTo(1);
	}

	private Remediator remediator(Map<String, String> settings, int cap) {
		return remediator(settings, cap, "okta.remediation.deletions." + UUID.randomUUID());
	}

	private Remediator remediator(Map<String, String> settings, int cap, String topic) {
		Map<String, String> all = new HashMap<>(Map.of("healer.remediation.mode", "live",
				"healer.remediation.pause-after-delete", "0s", "healer.remediation.request-timeout", "20s",
				"healer.remediation.max-deletions-per-hour", Integer.toString(cap)));
		settings.forEach((k, v) -> all.put("healer.remediation." + k, v));
		RemediationProperties properties = new Binder(new MapConfigurationPropertySource(all))
			.bindOrCreate("healer.remediation", RemediationProperties.class);
		this.ledger = ledger(topic, cap);
		this.ledger.start();
		if (this.modes != null && this.modes.isRunning()) {
			this.modes.stop();
		}
		this.modes = modes(properties.mode());
		this.modes.start();
		if (this.brake != null && this.brake.isRunning()) {
			this.brake.stop();
		}
		this.brake = brake();
		this.brake.start();
		return new Remediator(okta, properties, this.ledger, this.modes, this.brake, Clock.systemUTC());
	}

	private static RemediationBrake brake() {
		String topic = "okta.remediation.brake." + UUID.randomUUID();
		createTopic(topic);
		KafkaProperties kafka = new KafkaProperties();
		kafka.setBootstrapServers(List.of(KafkaTestBroker.bootstrapServers()));
		return new RemediationBrake(topic, kafka, producer(), json, Clock.systemUTC(), new SimpleMeterRegistry());
	}

	private static RemediationModeSwitch modes(RemediationMode configured) {
		String topic = "okta.remediation.mode." + UUID.randomUUID();
		createTopic(topic);
		return new RemediationModeSwitch(configured, topic, RemediatorTests::consumer, producer(), json,
				Clock.systemUTC(), Duration.ofSeconds(20), new SimpleMeterRegistry());
	}

	private static DeletionLedger ledger(String topic, int cap) {
		createTopic(topic);
		return new DeletionLedger(producer(), RemediatorTests::consumer, topic, json, Clock.systemUTC(), cap);
	}

	private static KafkaTemplate<String, byte[]> producer() {
		return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				KafkaTestBroker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(),
				new ByteArraySerializer()));
	}

	private static KafkaConsumer<String, byte[]> consumer() {
		return new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers(),
						ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
				new StringDeserializer(), new ByteArrayDeserializer());
	}

	private static void createTopic(String topic) {
		String servers = KafkaTestBroker.bootstrapServers();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
			admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw new IllegalStateException(ex);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static RemediationRequest request(String user) {
		return new RemediationRequest(user, "sms", UUID.randomUUID().toString(), Instant.now(), "test", FAILED_AT);
	}

	/**
	 * Okta calls about the user: {@code GET} for reads, {@code DELETE <status>} for
	 * deletes.
	 */
	private static List<String> calls(String user) {
		return org.calls().stream().filter(c -> c.path().contains(user)).map(RemediatorTests::describe).toList();
	}

	private static String describe(RecordedCall call) {
		return call.method().equals("DELETE") ? "DELETE " + call.status() : call.method();
	}

}
