package dev.factorhealer.replay;

import java.time.Clock;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.factorhealer.system.KafkaProducers;
import dev.factorhealer.system.KafkaReaders;
import dev.factorhealer.system.TopicFactory;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplayProperties.class)
class ReplayConfiguration {

	@Bean
	NewTopic parkedTopic(ReplayProperties properties, TopicFactory topics) {
		return topics.stuck(properties.parkedTopic(), 3);
	}

	@Bean
	NewTopic replayLedgerTopic(ReplayProperties properties, TopicFactory topics) {
		return topics.ledger(properties.ledgerTopic(), 1);
	}

	@Bean
	ReplayService replayService(KafkaProperties kafka, ReplayProperties properties, MeterRegistry registry) {
		Map<String, Object> consumer = KafkaReaders.config(kafka, "healer-replay");
		consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		return new ReplayService(
				() -> new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
				KafkaProducers.template(kafka, "healer-replay", new ByteArraySerializer(), new ByteArraySerializer(),
						Map.of("linger.ms", 5)),
				properties, Clock.systemUTC(), registry);
	}

}
