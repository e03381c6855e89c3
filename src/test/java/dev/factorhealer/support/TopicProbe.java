package dev.factorhealer.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import static org.awaitility.Awaitility.await;

/**
 * Reads what arrived on a topic after the probe was opened: it remembers the end offsets
 * at creation, so records left by earlier tests on the shared broker are not counted.
 */
public final class TopicProbe implements AutoCloseable {

	private final KafkaConsumer<String, byte[]> consumer;

	private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

	private TopicProbe(String bootstrapServers, String topic) {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
		List<TopicPartition> partitions = new ArrayList<>();
		await().atMost(Duration.ofSeconds(30)).until(() -> !this.consumer.partitionsFor(topic).isEmpty());
		this.consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
		this.consumer.assign(partitions);
		Map<TopicPartition, Long> ends = this.consumer.endOffsets(partitions);
		ends.forEach(this.consumer::seek);
	}

	public static TopicProbe open(String topic) {
		return new TopicProbe(KafkaTestBroker.bootstrapServers(), topic);
	}

	/** Everything that arrived since the probe was opened (polls once more first). */
	public synchronized List<ConsumerRecord<String, byte[]>> records() {
		for (ConsumerRecord<String, byte[]> record : this.consumer.poll(Duration.ofMillis(200))) {
			this.seen.add(record);
		}
		return List.copyOf(this.seen);
	}

	public List<ConsumerRecord<String, byte[]>> records(Predicate<ConsumerRecord<String, byte[]>> filter) {
		return records().stream().filter(filter).toList();
	}

	/** Waits until at least {@code count} matching records arrived, and returns them. */
	public List<ConsumerRecord<String, byte[]>> awaitRecords(int count,
			Predicate<ConsumerRecord<String, byte[]>> filter) {
		await().atMost(Duration.ofSeconds(30)).until(() -> records(filter).size() >= count);
		return records(filter);
	}

	/**
	 * Reads for a while longer to make sure nothing more arrives: returns all records
	 * seen after the topic was quiet for {@code quiet}.
	 */
	public List<ConsumerRecord<String, byte[]>> settle(Duration quiet) {
		int before;
		do {
			before = records().size();
			long until = System.nanoTime() + quiet.toNanos();
			while (System.nanoTime() < until) {
				records();
			}
		}
		while (records().size() != before);
		return records();
	}

	public static String header(ConsumerRecord<?, ?> record, String name) {
		var header = record.headers().lastHeader(name);
		return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.consumer.close(Duration.ofSeconds(1));
	}

}
