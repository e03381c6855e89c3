package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import dev.factorhealer.system.TopicFactory;

@Configuration(proxyBeanMethods = false)
class RemediationConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RemediationConfiguration.class);

	@Bean
	NewTopic remediationResultsTopic(RemediationProperties properties, TopicFactory topics) {
		return topics.results(properties.resultsTopic(), 3);
	}

	@Bean
	NewTopic remediationModeTopic(TopicFactory topics) {
		return topics.state(RemediationModeSwitch.TOPIC, 1);
	}

	@Bean
	RemediationModeSwitch remediationModeSwitch(RemediationProperties properties, KafkaProperties kafka,
			JsonMapper mapper, MeterRegistry registry) {
		Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties());
		consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
		consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "healer-mode-switch");
		return new RemediationModeSwitch(properties.mode(), RemediationModeSwitch.TOPIC,
				() -> new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer()),
				KafkaProducers.template(kafka, "healer-mode-switch", new StringSerializer(), new ByteArraySerializer(),
						Map.of()),
				mapper, Clock.systemUTC(), Duration.ofSeconds(30), registry);
	}

	@Bean
	Remediation remediation(RemediationProperties properties, OktaFactors okta, KafkaProperties kafka,
			JsonMapper mapper, MeterRegistry registry, RemediationModeSwitch modes) {
		log.info("Remediation mode at start: {}{} (changed at run time with POST /admin/mode); factor types {}; "
				+ "at most {} deletions per hour; {} pause after a DELETE",
				properties.mode().label(),
				properties.mode() == RemediationMode.DRY_RUN ? " (factors are checked, never deleted)" : "",
				properties.factorTypes(), properties.maxDeletionsPerHour(), properties.pauseAfterDelete());
		Clock clock = Clock.systemUTC();
		Remediator remediator = new Remediator(okta, properties,
				new DeletionCap(properties.maxDeletionsPerHour(), clock), modes, clock);
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
