package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import dev.factorhealer.okta.OktaFactors;
import dev.factorhealer.system.KafkaProducers;
import dev.factorhealer.system.KafkaReaders;
import dev.factorhealer.system.TopicFactory;
import dev.factorhealer.system.TopicNames;

@Configuration(proxyBeanMethods = false)
class RemediationConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RemediationConfiguration.class);

	@Bean
	NewTopic remediationResultsTopic(TopicNames names, TopicFactory topics) {
		return topics.results(names.results(), 3);
	}

	@Bean
	NewTopic remediationModeTopic(TopicNames names, TopicFactory topics) {
		return topics.state(names.mode(), 1);
	}

	@Bean
	RemediationModeSwitch remediationModeSwitch(RemediationProperties properties, TopicNames names,
			KafkaProperties kafka, JsonMapper mapper, MeterRegistry registry) {
		Map<String, Object> consumer = KafkaReaders.config(kafka, "healer-mode-switch");
		return new RemediationModeSwitch(properties.mode(), names.mode(),
				() -> new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer()),
				KafkaProducers.template(kafka, "healer-mode-switch", new StringSerializer(), new ByteArraySerializer(),
						Map.of()),
				mapper, Clock.systemUTC(), Duration.ofSeconds(30), registry);
	}

	/**
	 * The deletion ledger: one partition (one order for every replica), with the
	 * replication of every topic, kept a week.
	 */
	@Bean
	NewTopic remediationDeletionsTopic(TopicNames names, TopicFactory topics) {
		return topics.builder(names.deletions(), 1)
			.config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(DeletionLedger.RETENTION.toMillis()))
			.build();
	}

	@Bean
	DeletionLedger deletionLedger(RemediationProperties properties, TopicNames names, KafkaProperties kafka,
			JsonMapper mapper) {
		return new DeletionLedger(
				KafkaProducers.template(kafka, "healer-deletion-ledger", new StringSerializer(),
						new ByteArraySerializer(),
						Map.of(ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)),
				() -> new KafkaConsumer<>(KafkaReaders.config(kafka, "healer-deletion-ledger"),
						new StringDeserializer(), new ByteArrayDeserializer()),
				names.deletions(), mapper, Clock.systemUTC(), properties.maxDeletionsPerHour());
	}

	/**
	 * Compacted, one partition: the last record is the brake state every replica follows.
	 */
	@Bean
	NewTopic remediationBrakeTopic(TopicNames names, TopicFactory topics) {
		return topics.state(names.brake(), 1);
	}

	@Bean
	RemediationBrake remediationBrake(TopicNames names, KafkaProperties kafka, JsonMapper mapper,
			MeterRegistry registry) {
		return new RemediationBrake(names.brake(), kafka, KafkaProducers.template(kafka, "healer-brake",
				new StringSerializer(), new ByteArraySerializer(), Map.of()), mapper, Clock.systemUTC(), registry);
	}

	@Bean
	Remediation remediation(RemediationProperties properties, TopicNames names, OktaFactors okta, KafkaProperties kafka,
			JsonMapper mapper, MeterRegistry registry, DeletionLedger ledger, RemediationModeSwitch modes,
			RemediationBrake brake) {
		log.info(
				"Remediation mode at start: {}{} (changed at run time with POST /admin/mode); factor types {}; "
						+ "at most {} deletions per hour; {} pause after a DELETE",
				properties.mode().label(),
				properties.mode() == RemediationMode.DRY_RUN ? " (factors are checked, never deleted)" : "",
				properties.factorTypes(), properties.maxDeletionsPerHour(), properties.pauseAfterDelete());
		Clock clock = Clock.systemUTC();
		Remediator remediator = new Remediator(okta, properties, ledger, modes, brake, clock);
		return new Remediation(remediator, ledger, KafkaProducers.template(kafka, "healer-remediation-results",
				new StringSerializer(), new ByteArraySerializer(), Map.of()), names.results(), mapper, registry);
	}

	/** This replica's share of the Okta budget follows the request partitions it owns. */
	@Bean
	BudgetShare remediationBudgetShare(OktaFactors okta) {
		return new BudgetShare(okta);
	}

	/** {@code okta.remediation.requests}; binding {@code remediate-in-0}. */
	@Bean
	Consumer<Message<byte[]>> remediate(Remediation remediation) {
		return remediation::accept;
	}

}
