package dev.factorhealer.systemlog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.system.KafkaProducers;

/**
 * The shared test broker as the poller's pieces see it, without Spring: a cursor topic
 * and lease group of a test's own (so that tests never share a position or a lease), and
 * an unreachable broker for the failure cases.
 */
final class SystemLogKafka {

	/** Nothing listens there. */
	static final String UNREACHABLE = "127.0.0.1:1";

	private SystemLogKafka() {
	}

	static KafkaProperties kafka() {
		return kafka(KafkaTestBroker.bootstrapServers());
	}

	static KafkaProperties kafka(String bootstrapServers) {
		KafkaProperties kafka = new KafkaProperties();
		kafka.setBootstrapServers(List.of(bootstrapServers));
		return kafka;
	}

	static KafkaAdmin admin() {
		return new KafkaAdmin(Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()));
	}

	/** Creates a cursor topic of the test's own, as the poller does. */
	static String newCursorTopic() {
		String name = "okta.systemlog.cursor.test-" + UUID.randomUUID();
		admin().createOrModifyTopics(SystemLogConfiguration.cursorTopic(name));
		return name;
	}

	static String newLeaseGroup() {
		return "healer-systemlog-lease-test-" + UUID.randomUUID();
	}

	/**
	 * A byte[] producer of the kind the poller writes with, giving up on an absent broker
	 * after a second.
	 */
	static KafkaTemplate<String, byte[]> template(KafkaProperties kafka, String clientId,
			Map<String, Object> overrides) {
		Map<String, Object> settings = new HashMap<>(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000));
		settings.putAll(overrides);
		return KafkaProducers.template(kafka, clientId, new StringSerializer(), new ByteArraySerializer(), settings);
	}

	static SystemLogProperties settings(String leaseGroup, Map<String, String> more) {
		Map<String, String> settings = new HashMap<>(more);
		settings.put("lease-group", leaseGroup);
		return SystemLogIntegrationTests.settings(settings);
	}

}
