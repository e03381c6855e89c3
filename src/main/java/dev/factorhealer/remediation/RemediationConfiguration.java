package dev.factorhealer.remediation;

import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
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
import dev.factorhealer.system.KafkaTopics;

@Configuration(proxyBeanMethods = false)
class RemediationConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RemediationConfiguration.class);

	@Bean
	NewTopic remediationResultsTopic(RemediationProperties properties) {
		return KafkaTopics.topic(properties.resultsTopic(), 3).build();
	}

	/** Compacted, one partition: the last record is the brake state every replica follows. */
	@Bean
	NewTopic remediationBrakeTopic(RemediationProperties properties) {
		return KafkaTopics.topic(properties.brakeTopic(), 1)
			.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
			.build();
	}

	@Bean
	RemediationBrake remediationBrake(RemediationProperties properties, KafkaProperties kafka, JsonMapper mapper,
			MeterRegistry registry) {
		return new RemediationBrake(properties.brakeTopic(), kafka, KafkaProducers.template(kafka, "healer-brake",
				new StringSerializer(), new ByteArraySerializer(), Map.of()), mapper, Clock.systemUTC(), registry);
	}

	@Bean
	Remediation remediation(RemediationProperties properties, OktaFactors okta, KafkaProperties kafka,
			JsonMapper mapper, MeterRegistry registry, RemediationBrake brake) {
		log.info("Remediation mode: {}{}; factor types {}; at most {} deletions per hour; {} pause after a DELETE",
				properties.mode().label(),
				properties.mode() == RemediationMode.DRY_RUN ? " (factors are checked, never deleted)" : "",
				properties.factorTypes(), properties.maxDeletionsPerHour(), properties.pauseAfterDelete());
		Clock clock = Clock.systemUTC();
		Remediator remediator = new Remediator(okta, properties,
				new DeletionCap(properties.maxDeletionsPerHour(), clock), clock, brake);
		return new Remediation(remediator, KafkaProducers.template(kafka, "healer-remediation-results",
				new StringSerializer(), new ByteArraySerializer(), Map.of()), properties.resultsTopic(), mapper,
				registry);
	}

	/** {@code okta.remediation.requests}; binding {@code remediate-in-0}. */
	@Bean
	Consumer<Message<byte[]>> remediate(Remediation remediation) {
		return remediation::accept;
	}

}
