package dev.factorhealer.system;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Kafka templates for the modules that publish themselves (hook, remediation results,
 * dead letters, replay). Each gets its own producer with explicit serializers, so nothing
 * depends on global serializer settings that the Spring Cloud Stream binder would also
 * pick up, and every one is durable: {@code acks=all} and idempotent.
 */
public final class KafkaProducers {

	private KafkaProducers() {
	}

	public static <K, V> KafkaTemplate<K, V> template(KafkaProperties kafka, String clientId, Serializer<K> keys,
			Serializer<V> values, Map<String, Object> overrides) {
		return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config(kafka, clientId, overrides), keys, values));
	}

	/**
	 * The settings of such a producer, for a module that sends with a plain
	 * {@code KafkaProducer} (replay: no template layer per record); serializers are the
	 * caller's.
	 */
	public static Map<String, Object> config(KafkaProperties kafka, String clientId, Map<String, Object> overrides) {
		Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
		config.putAll(overrides);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
		config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaTopics.MAX_RECORD_BYTES + 64 * 1024);
		config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
		config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		return config;
	}

}
