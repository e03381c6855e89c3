package dev.factorhealer.detection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

import dev.factorhealer.system.BindingPartitions;

/**
 * Rebuilds the detection memory from {@code okta.remediation.requests} whenever this
 * replica is given partitions of {@code okta.events}: the users asked for within the
 * coalescing window and the events that led to a request within the dedupe time. So a
 * restart, or a rebalance that moves a user's partition to another replica, does not ask
 * for the same user twice within the window. The requests of the last day are few (one
 * per stuck user), so every partition is read.
 */
final class MemoryRebuild implements BindingPartitions {

	private static final Logger log = LoggerFactory.getLogger(MemoryRebuild.class);

	private static final Duration READ_LIMIT = Duration.ofSeconds(30);

	private final DetectionMemory memory;

	private final Supplier<Consumer<String, byte[]>> consumers;

	private final String requestsTopic;

	private final Duration dedupeTtl;

	private final Duration coalesceWindow;

	private final ObjectMapper mapper;

	private final Clock clock;

	MemoryRebuild(DetectionMemory memory, Supplier<Consumer<String, byte[]>> consumers, String requestsTopic,
			Duration dedupeTtl, Duration coalesceWindow, ObjectMapper mapper, Clock clock) {
		this.memory = memory;
		this.consumers = consumers;
		this.requestsTopic = requestsTopic;
		this.dedupeTtl = dedupeTtl;
		this.coalesceWindow = coalesceWindow;
		this.mapper = mapper;
		this.clock = clock;
	}

	@Override
	public String binding() {
		return "detect-in-0";
	}

	@Override
	public void assigned(Consumer<?, ?> bindingConsumer, Collection<TopicPartition> partitions, boolean initial) {
		if (partitions.isEmpty()) {
			return;
		}
		Instant now = this.clock.instant();
		Instant usersSince = now.minus(this.coalesceWindow);
		int users = 0;
		int events = 0;
		try (Consumer<String, byte[]> consumer = this.consumers.get()) {
			List<TopicPartition> all = consumer.partitionsFor(this.requestsTopic)
				.stream()
				.map(info -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(all);
			Map<TopicPartition, Long> since = new HashMap<>();
			all.forEach(p -> since.put(p, now.minus(this.dedupeTtl).toEpochMilli()));
			Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since);
			Map<TopicPartition, Long> ends = consumer.endOffsets(all);
			for (TopicPartition partition : all) {
				OffsetAndTimestamp start = starts.get(partition);
				consumer.seek(partition, (start != null) ? start.offset() : ends.get(partition));
			}
			Instant limit = now.plus(READ_LIMIT);
			while (!caughtUp(consumer, all, ends) && this.clock.instant().isBefore(limit)) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					RemediationRequest request = parse(record.value());
					if (request == null) {
						continue;
					}
					String recordId = "request@" + record.partition() + "@" + record.offset();
					if (request.sourceEventUuid() != null) {
						this.memory.claimEvent(request.sourceEventUuid(), recordId);
						events++;
					}
					if (request.userId() != null && Instant.ofEpochMilli(record.timestamp()).isAfter(usersSince)) {
						this.memory.claimUser(request.userId(), recordId);
						users++;
					}
				}
			}
		}
		catch (RuntimeException ex) {
			log.warn("Detection memory not rebuilt from {}: {}; a user may be asked for twice within the window",
					this.requestsTopic, ex.toString());
			return;
		}
		log.info("Detection memory rebuilt from {}: {} users asked for in the last {}, {} events in the last {}",
				this.requestsTopic, users, this.coalesceWindow, events, this.dedupeTtl);
	}

	private static boolean caughtUp(Consumer<String, byte[]> consumer, List<TopicPartition> partitions,
			Map<TopicPartition, Long> ends) {
		return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
	}

	private RemediationRequest parse(byte[] value) {
		try {
			return (value == null) ? null : this.mapper.readValue(value, RemediationRequest.class);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
