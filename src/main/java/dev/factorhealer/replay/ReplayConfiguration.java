package dev.factorhealer.replay;

import java.time.Clock;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.factorhealer.system.KafkaProducers;
import dev.factorhealer.system.KafkaReaders;
import dev.factorhealer.system.TopicFactory;
import dev.factorhealer.system.TopicNames;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplayProperties.class)
class ReplayConfiguration {

	@Bean
	NewTopic parkedTopic(TopicNames names, TopicFactory topics) {
		return topics.stuck(names.parked(), 3);
	}

	@Bean
	NewTopic replayLedgerTopic(TopicNames names, TopicFactory topics) {
		return topics.ledger(names.replayLedger(), 1);
	}

	@Bean
	ReplayService replayService(KafkaProperties kafka, ReplayProperties properties, TopicNames names,
			MeterRegistry registry) {
		Map<String, Object> consumer = KafkaReaders.config(kafka, "healer-replay");
		consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		// a run reads up to an end it knows: a fetch the broker holds there (500 ms by
		// default) would only delay the next read and the consumer's close
		consumer.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
		Map<String, Object> producer = KafkaProducers.config(kafka, "healer-replay", Map.of("linger.ms", 5));
		return new ReplayService(
				() -> new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
				() -> new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer()), properties,
				names, Clock.systemUTC(), registry);
	}

}
