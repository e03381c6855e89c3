package dev.factorhealer.system;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import org.springframework.kafka.config.TopicBuilder;

/**
 * Builds the {@code NewTopic} of every topic the service creates, with the replication
 * factor, {@code min.insync.replicas} and retention of {@link TopicProperties}, by what
 * the topic holds.
 */
public final class TopicFactory {

	private final TopicProperties properties;

	TopicFactory(TopicProperties properties) {
		this.properties = properties;
	}

	/** {@code okta.events}, {@code okta.remediation.requests}: work in flight. */
	public NewTopic pipeline(String name, int partitions) {
		return builder(name, partitions)
			.config(TopicConfig.RETENTION_MS_CONFIG, millis(this.properties.pipelineRetention()))
			.build();
	}

	/** Stuck and parked records: kept until someone looked at them. */
	public NewTopic stuck(String name, int partitions) {
		return builder(name, partitions)
			.config(TopicConfig.RETENTION_MS_CONFIG, millis(this.properties.stuckRetention()))
			.build();
	}

	/** {@code okta.remediation.results}: the audit of what was done. */
	public NewTopic results(String name, int partitions) {
		return builder(name, partitions)
			.config(TopicConfig.RETENTION_MS_CONFIG, millis(this.properties.resultsRetention()))
			.build();
	}

	/**
	 * The replay ledger: compacted (one entry per stuck partition and replay batch) and
	 * deleted after the stuck retention, when the stuck records it speaks of are gone
	 * too.
	 */
	public NewTopic ledger(String name, int partitions) {
		return builder(name, partitions)
			.config(TopicConfig.CLEANUP_POLICY_CONFIG,
					TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE)
			.config(TopicConfig.RETENTION_MS_CONFIG, millis(this.properties.stuckRetention()))
			.config(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, millis(this.properties.maxCompactionLag()))
			.build();
	}

	/**
	 * A compacted state topic whose newest value per key is the state (the remediation
	 * mode): never deleted by age; older values go within {@code max-compaction-lag}.
	 */
	public NewTopic state(String name, int partitions) {
		return builder(name, partitions).compact()
			.config(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()))
			.config(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1")
			.config(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, millis(this.properties.maxCompactionLag()))
			.build();
	}

	/**
	 * Name, partitions, replication factor, {@code min.insync.replicas} and the record
	 * size limit.
	 */
	public TopicBuilder builder(String name, int partitions) {
		return KafkaTopics.topic(name, partitions)
			.replicas(this.properties.replicationFactor())
			.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(this.properties.minInsyncReplicas()));
	}

	private static String millis(Duration duration) {
		return Long.toString(duration.toMillis());
	}

}
