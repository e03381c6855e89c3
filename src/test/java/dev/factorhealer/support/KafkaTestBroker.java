package dev.factorhealer.support;

import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker for the whole test JVM: Testcontainers' Kafka where a Docker
 * engine answers, otherwise the embedded KRaft broker (the real broker code, in-process).
 * Tests share it and tell their records apart by their own ids, which keeps the suite to
 * one broker start.
 */
public final class KafkaTestBroker {

	private static final Logger log = LoggerFactory.getLogger(KafkaTestBroker.class);

	private static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

	private static String bootstrapServers;

	private KafkaTestBroker() {
	}

	public static synchronized String bootstrapServers() {
		if (bootstrapServers == null) {
			bootstrapServers = dockerAvailable() ? startContainer() : startEmbedded();
		}
		return bootstrapServers;
	}

	private static String startContainer() {
		KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
		kafka.start();
		Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop));
		log.info("Tests use Testcontainers' Kafka at {}", kafka.getBootstrapServers());
		return kafka.getBootstrapServers();
	}

	private static String startEmbedded() {
		EmbeddedKafkaKraftBroker broker = embedded();
		broker.afterPropertiesSet();
		Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
		log.info("No Docker engine: tests use the embedded KRaft broker at {}", broker.getBrokersAsString());
		return broker.getBrokersAsString();
	}

	private static EmbeddedKafkaKraftBroker embedded() {
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
		broker.brokerProperty("auto.create.topics.enable", "false");
		broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
		return broker;
	}

	private static boolean dockerAvailable() {
		if (Boolean.getBoolean("healer.tests.embedded-kafka")) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	/**
	 * Writes a tombstone (null value) for {@code key} on a compacted state topic, so
	 * every reader goes back to its configured state.
	 */
	public static void tombstone(String topic, String key) {
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()), new StringSerializer(),
				new ByteArraySerializer())) {
			producer.send(new ProducerRecord<>(topic, key, null)).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
