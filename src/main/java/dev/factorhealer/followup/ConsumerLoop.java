package dev.factorhealer.followup;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;

/**
 * A plain Kafka consumer on a thread of its own, for work whose offsets are committed by
 * hand only after what it wrote was acknowledged. On an error the consumer is closed and
 * opened again, so the work starts over from the last commit (every step is idempotent).
 */
abstract class ConsumerLoop implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);

	private final String name;

	private final KafkaProperties kafka;

	private volatile boolean running;

	private volatile KafkaConsumer<String, byte[]> consumer;

	private Thread thread;

	ConsumerLoop(String name, KafkaProperties kafka) {
		this.name = name;
		this.kafka = kafka;
	}

	/** Subscribes or assigns the new consumer. */
	abstract void opened(KafkaConsumer<String, byte[]> consumer);

	/** One poll and its work, commit included. */
	abstract void pollOnce(KafkaConsumer<String, byte[]> consumer);

	KafkaConsumer<String, byte[]> newConsumer(String group, Map<String, Object> overrides) {
		Map<String, Object> config = this.kafka.buildConsumerProperties();
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, this.name + "-" + System.identityHashCode(this));
		if (group == null) {
			config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		}
		else {
			config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		}
		config.putAll(overrides);
		return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
	}

	static void send(KafkaOperations<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
		try {
			producer.send(record).get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("could not write to " + record.topic(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while writing to " + record.topic(), ex);
		}
	}

	abstract KafkaConsumer<String, byte[]> open();

	private void run() {
		while (this.running) {
			try (KafkaConsumer<String, byte[]> current = open()) {
				this.consumer = current;
				opened(current);
				while (this.running) {
					pollOnce(current);
				}
			}
			catch (WakeupException ex) {
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				log.error("{} failed; starting over from the last committed position in 1s", this.name, ex);
				try {
					Thread.sleep(Duration.ofSeconds(1).toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	@Override
	public void start() {
		this.running = true;
		this.thread = new Thread(this::run, this.name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		KafkaConsumer<String, byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
		if (this.thread != null) {
			try {
				this.thread.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
