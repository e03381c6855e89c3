package dev.factorhealer.events;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.factorhealer.system.KafkaProducers;
import dev.factorhealer.system.TopicFactory;
import dev.factorhealer.system.TopicNames;

/**
 * The {@code okta.events} topic and the one producer every source publishes through:
 * idempotent, {@code acks=all}, and quick to give up waiting for metadata so that a
 * missing broker turns into a 503 within Okta's timeout, not a hang.
 */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

	@Bean
	NewTopic oktaEventsTopic(OktaEventsProperties properties, TopicNames names, TopicFactory topics) {
		return topics.pipeline(names.events(), properties.partitions());
	}

	@Bean
	KafkaOktaEventPublisher oktaEventPublisher(KafkaProperties kafka, OktaEventsProperties properties,
			TopicNames names) {
		Map<String, Object> overrides = new HashMap<>();
		overrides.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(50, properties.publishTimeout().toMillis() / 2));
		OktaEventsProperties.Producer producer = properties.producer();
		overrides.put(ProducerConfig.LINGER_MS_CONFIG, (int) producer.linger().toMillis());
		overrides.put(ProducerConfig.BATCH_SIZE_CONFIG, (int) producer.batchSize().toBytes());
		overrides.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, producer.compression().name);
		overrides.put(ProducerConfig.BUFFER_MEMORY_CONFIG, producer.bufferMemory().toBytes());
		return new KafkaOktaEventPublisher(KafkaProducers
			.template(kafka, "healer-hook", new StringSerializer(), new ByteArraySerializer(), overrides)
			.getProducerFactory(), names.events());
	}

	/**
	 * Only a running service warms the producer up; commands (no web server) never create
	 * it.
	 */
	@Bean
	ApplicationListener<WebServerInitializedEvent> oktaEventsProducerWarmUp(KafkaOktaEventPublisher publisher) {
		return (event) -> publisher.warmUp();
	}

}
