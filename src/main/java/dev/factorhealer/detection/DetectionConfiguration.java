package dev.factorhealer.detection;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.converter.BatchMessagingMessageConverter;
import org.springframework.messaging.Message;

import dev.factorhealer.system.KafkaReaders;
import dev.factorhealer.system.TopicFactory;
import dev.factorhealer.system.TopicNames;

@Configuration(proxyBeanMethods = false)
class DetectionConfiguration {

	/** The output binding of the detect function's requests. */
	static final String REQUESTS_BINDING = "detect-out-0";

	/**
	 * Where the detect function sends requests (its binding detect-out-0 names the same
	 * topic).
	 */
	@Bean
	NewTopic remediationRequestsTopic(TopicNames names, TopicFactory topics) {
		return topics.pipeline(names.requests(), 6);
	}

	/** The same rules, for the follow-up of healed users. */
	@Bean
	StuckFactorMatcher stuckFactorMatcher(DetectionProperties properties, JsonMapper mapper) {
		return new StuckFactorMatcher(new StuckFactorDetector(properties.rules()),
				EventScreen.of(properties.rules(), mapper));
	}

	@Bean
	DetectionMemory detectionMemory(DetectionProperties properties) {
		return new DetectionMemory(properties.dedupeTtl(), properties.dedupeMaxEvents(), properties.coalesceWindow(),
				properties.coalesceMaxUsers());
	}

	@Bean
	Detection detection(DetectionProperties properties, DetectionMemory memory, JsonMapper mapper,
			MeterRegistry registry) {
		return new Detection(new StuckFactorDetector(properties.rules()), EventScreen.of(properties.rules(), mapper),
				memory, mapper, Clock.systemUTC(), registry);
	}

	/**
	 * A replica given partitions of {@code okta.events} first reads back who was asked
	 * for recently.
	 */
	@Bean
	MemoryRebuild detectionMemoryRebuild(DetectionProperties properties, TopicNames names, DetectionMemory memory,
			KafkaProperties kafka, JsonMapper mapper) {
		Map<String, Object> config = KafkaReaders.config(kafka, "healer-detection-memory");
		return new MemoryRebuild(memory,
				() -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer()),
				names.requests(), properties.dedupeTtl(), properties.coalesceWindow(), mapper, Clock.systemUTC());
	}

	/**
	 * How {@code detect-in-0} turns a poll into a message (its
	 * {@code converter-bean-name}): each record's headers stay as Kafka read them.
	 * Mapping them into maps cost more than the one lookup detection makes (the replay
	 * count).
	 */
	@Bean
	BatchMessagingMessageConverter detectionRecords() {
		BatchMessagingMessageConverter converter = new BatchMessagingMessageConverter();
		converter.setHeaderMapper(null);
		return converter;
	}

	/**
	 * {@code okta.events} to {@code okta.remediation.requests}: binding
	 * {@code detect-in-0} (a poll at a time), requests through the output binding
	 * {@code detect-out-0}.
	 */
	@Bean
	Consumer<Message<List<byte[]>>> detect(Detection detection, StreamBridge bridge) {
		return new DetectionBatch(detection, request -> {
			if (!bridge.send(REQUESTS_BINDING, request)) {
				throw new IllegalStateException("the request was not sent to " + REQUESTS_BINDING);
			}
		});
	}

}
