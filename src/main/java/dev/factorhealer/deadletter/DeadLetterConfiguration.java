package dev.factorhealer.deadletter;

import java.time.Clock;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import dev.factorhealer.system.KafkaProducers;
import dev.factorhealer.system.TopicFactory;
import dev.factorhealer.system.TopicNames;

@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

	@Bean
	NewTopic oktaEventsDlqTopic(TopicNames names, TopicFactory topics) {
		return topics.stuck(names.eventsStuck(), 3);
	}

	@Bean
	NewTopic remediationRequestsDlqTopic(TopicNames names, TopicFactory topics) {
		return topics.stuck(names.requestsStuck(), 3);
	}

	@Bean
	StuckRecordErrorHandling stuckRecordErrorHandling(KafkaProperties kafka, MeterRegistry registry) {
		KafkaTemplate<byte[], byte[]> template = KafkaProducers.template(kafka, "healer-deadletter",
				new ByteArraySerializer(), new ByteArraySerializer(), Map.of());
		return new StuckRecordErrorHandling(template, registry, Clock.systemUTC());
	}

}
