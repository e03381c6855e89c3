package dev.factorhealer.replay;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of a topic from its beginning up to the end it had when reading
 * started: records that arrive meanwhile (a record failing again during its replay) wait
 * for the next run.
 */
final class TopicReading {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private TopicReading() {
	}

	/** What to do with each record read. */
	interface RecordHandler {

		void handle(ConsumerRecord<byte[], byte[]> record);

	}

	/**
	 * Hands every record up to the end to {@code handler}, until {@code done} says
	 * enough.
	 */
	static void toEnd(Consumer<byte[], byte[]> consumer, String topic, RecordHandler handler, BooleanSupplier done) {
		Map<TopicPartition, Long> ends = fromBeginning(consumer, topic);
		while (!ends.isEmpty() && !done.getAsBoolean()) {
			ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
			// partition by partition, in offset order, as the records come
			for (TopicPartition partition : records.partitions()) {
				Long end = ends.get(partition);
				for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
					if (end == null || record.offset() >= end || done.getAsBoolean()) {
						break;
					}
					handler.handle(record);
				}
			}
			ends.entrySet().removeIf((e) -> e.getValue() <= consumer.position(e.getKey()));
		}
	}

	/**
	 * Assigns every partition of the topic from its beginning; returns the end offset of
	 * each partition that has records, i.e. how far this reading goes.
	 */
	private static Map<TopicPartition, Long> fromBeginning(Consumer<byte[], byte[]> consumer, String topic) {
		List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT)
			.stream()
			.map((p) -> new TopicPartition(p.topic(), p.partition()))
			.toList();
		consumer.assign(partitions);
		consumer.seekToBeginning(partitions);
		Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
		ends.entrySet().removeIf((e) -> e.getValue() <= consumer.position(e.getKey(), TIMEOUT));
		return ends;
	}

}
