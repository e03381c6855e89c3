package dev.factorhealer.system;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the service creates its topics ({@code healer.topics.*}); topics that exist already
 * keep their own settings. The defaults are for a production cluster of three brokers or
 * more; a single-broker run (the local run, tests) sets replication factor and
 * min.insync.replicas to 1.
 *
 * @param replicationFactor copies of every partition
 * @param minInsyncReplicas copies that must have a record before an {@code acks=all}
 * write succeeds
 * @param pipelineRetention how long {@code okta.events} and
 * {@code okta.remediation.requests} keep records
 * @param stuckRetention how long the stuck topics ({@code *.dlq},
 * {@code okta.remediation.parked}) and the replay ledger keep records (Kafka's default of
 * 7 days would delete unreviewed stuck records)
 * @param resultsRetention how long {@code okta.remediation.results} (the audit) keeps
 * records
 * @param maxCompactionLag the longest an overwritten value of a compacted topic stays
 * before compaction removes it (bounded history)
 * @param names the name of every topic ({@code healer.topics.names.*})
 */
@Validated
@ConfigurationProperties("healer.topics")
public record TopicProperties(@DefaultValue("3") @Min(1) @Max(7) int replicationFactor,
		@DefaultValue("2") @Min(1) @Max(7) int minInsyncReplicas,
		@DefaultValue("7d") @NotNull Duration pipelineRetention, @DefaultValue("30d") @NotNull Duration stuckRetention,
		@DefaultValue("30d") @NotNull Duration resultsRetention, @DefaultValue("1d") @NotNull Duration maxCompactionLag,
		@DefaultValue @Valid TopicNames names) {

	@AssertTrue(
			message = "healer.topics.min-insync-replicas must not be larger than healer.topics.replication-factor (writes with acks=all would always fail)")
	boolean isMinInsyncReplicasReachable() {
		return this.minInsyncReplicas <= this.replicationFactor;
	}

	@AssertTrue(message = "healer.topics.*-retention must be at least 1h")
	boolean isRetentionSane() {
		Duration hour = Duration.ofHours(1);
		return (this.pipelineRetention == null || this.pipelineRetention.compareTo(hour) >= 0)
				&& (this.stuckRetention == null || this.stuckRetention.compareTo(hour) >= 0)
				&& (this.resultsRetention == null || this.resultsRetention.compareTo(hour) >= 0);
	}

}
