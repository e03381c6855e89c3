package dev.factorhealer.hook;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.factorhealer.system.KafkaProducers;
import dev.factorhealer.system.KafkaTopics;
import dev.factorhealer.system.RefusalLog;
import dev.factorhealer.system.SecretStrength;
import dev.factorhealer.system.TopicFactory;

/**
 * The hook's own producer: idempotent, {@code acks=all}, and quick to give up waiting for
 * metadata so that a missing broker turns into a 503 within Okta's timeout, not a hang.
 */
@Configuration(proxyBeanMethods = false)
class HookConfiguration {

	@Bean
	NewTopic oktaEventsTopic(HookProperties properties, TopicFactory topics) {
		return topics.pipeline(properties.topic(), properties.partitions());
	}

	@Bean
	KafkaOktaEventPublisher oktaEventPublisher(KafkaProperties kafka, HookProperties properties) {
		Map<String, Object> overrides = new HashMap<>();
		overrides.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(50, properties.publishTimeout().toMillis() / 2));
		overrides.put(ProducerConfig.LINGER_MS_CONFIG, kafka.getProducer().getProperties().getOrDefault("linger.ms", "2"));
		return new KafkaOktaEventPublisher(KafkaProducers.template(kafka, "healer-hook", new StringSerializer(),
				new ByteArraySerializer(), overrides), properties.topic());
	}

	@Bean
	HookMetrics hookMetrics(MeterRegistry registry) {
		return new HookMetrics(registry);
	}

	@Bean
	OktaHookController oktaHookController(HookProperties properties, OktaEventPublisher publisher, JsonMapper mapper,
			HookMetrics metrics, RefusalLog refusals) {
		properties.secrets().forEach((secret) -> SecretStrength.check("healer.hook.secrets [HEALER_HOOK_SECRETS]", secret));
		return new OktaHookController(properties, new HookSecrets(properties.secrets()), publisher, mapper, metrics,
				refusals);
	}

}
