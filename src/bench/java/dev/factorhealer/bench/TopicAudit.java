package dev.factorhealer.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code okta.events} from the beginning to its current end and compares the events of this
 * run with what the hook acknowledged: every event of a delivery answered 200 must be there
 * (missing = lost), exactly once (duplicates), and events of deliveries not answered 200 (extra)
 * can only come from requests that failed after Kafka had taken them.
 */
final class TopicAudit {

	record Result(long acknowledgedEvents, long eventsOnTopic, long missing, long extra, long duplicates,
			long otherRecords, double seconds, boolean complete) {

		boolean exact() {
			return this.complete && this.missing == 0 && this.extra == 0 && this.duplicates == 0;
		}

	}

	private TopicAudit() {
	}

	static Result audit(String bootstrapServers, String topic, LoadDeliveries deliveries, HookLoad load,
			Duration atMost) {
		long started = System.nanoTime();
		long issuedDeliveries = deliveries.issued();
		long events = issuedDeliveries * LoadDeliveries.EVENTS_PER_DELIVERY;
		BitSet seen = new BitSet((int) Math.min(Integer.MAX_VALUE, events));
		long onTopic = 0;
		long duplicates = 0;
		long other = 0;
		long beyond = 0;
		boolean complete;
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
		props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
		props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map(p -> new TopicPartition(topic, p.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			long deadline = started + atMost.toNanos();
			while (!partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p))
					&& System.nanoTime() < deadline) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition()))) {
						continue;
					}
					Header uuid = record.headers().lastHeader("okta-event-uuid");
					long sequence = uuid == null ? -1
							: deliveries.eventSequence(new String(uuid.value(), StandardCharsets.UTF_8));
					if (sequence < 0) {
						other++;
					}
					else if (sequence >= events) {
						beyond++;
					}
					else if (seen.get((int) sequence)) {
						duplicates++;
					}
					else {
						seen.set((int) sequence);
						onTopic++;
					}
				}
			}
			complete = partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
		}
		long acknowledged = 0;
		long missing = 0;
		long extra = beyond;
		for (long delivery = 0; delivery < issuedDeliveries; delivery++) {
			boolean acked = load.acked(delivery);
			for (int i = 0; i < LoadDeliveries.EVENTS_PER_DELIVERY; i++) {
				boolean there = seen.get((int) (delivery * LoadDeliveries.EVENTS_PER_DELIVERY + i));
				if (acked) {
					acknowledged++;
					if (!there) {
						missing++;
					}
				}
				else if (there) {
					extra++;
				}
			}
		}
		return new Result(acknowledged, onTopic + beyond, missing, extra, duplicates, other,
				(System.nanoTime() - started) / 1e9, complete);
	}

	/**
	 * Records of {@code topic} the consumer group has not committed yet (a partition without a
	 * commit counts from 0); -1 when unknown.
	 */
	static long lag(String bootstrapServers, String group, String topic) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get(30, TimeUnit.SECONDS);
			List<TopicPartition> partitions = admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(30, TimeUnit.SECONDS)
				.get(topic)
				.partitions()
				.stream()
				.map(p -> new TopicPartition(topic, p.partition()))
				.toList();
			Map<TopicPartition, ListOffsetsResultInfo> latest = admin
				.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
				.all()
				.get(30, TimeUnit.SECONDS);
			long lag = 0;
			for (TopicPartition partition : partitions) {
				OffsetAndMetadata at = committed.get(partition);
				lag += Math.max(0, latest.get(partition).offset() - (at == null ? 0 : at.offset()));
			}
			return lag;
		}
		catch (Exception ex) {
			return -1;
		}
	}

}
