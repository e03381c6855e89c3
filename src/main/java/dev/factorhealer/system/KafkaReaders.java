package dev.factorhealer.system;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Settings of the plain consumers that read a topic by partition, outside any consumer
 * group (the deletion ledger, the detection memory's rebuild, replay): nothing committed,
 * only committed records read.
 */
public final class KafkaReaders {

	private KafkaReaders() {
	}

	public static Map<String, Object> config(KafkaProperties kafka, String clientId) {
		Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
		return config;
	}

}
