package dev.factorhealer.events;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.apache.kafka.common.record.CompressionType;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code okta.events} topic, how long a hook delivery waits for it, and its producer.
 * The keys keep their {@code healer.hook.*} names (deployments set them; the hook owned
 * the topic first); the hook's own settings (secrets, header, size) stay in the hook's
 * record. The topic's name is {@code healer.topics.names.events}.
 *
 * @param partitions partitions of the topic when the service creates it
 * @param publishTimeout how long a hook delivery waits for Kafka's acknowledgements
 * before it is answered 503; must stay below Okta's 3 s hook timeout. Half of it bounds
 * how long a send may block for metadata when the broker is gone.
 * @param producer how the producer batches
 */
@Validated
@ConfigurationProperties("healer.hook")
public record OktaEventsProperties(@DefaultValue("6") @Min(1) int partitions,
		@DefaultValue("2s") @NotNull Duration publishTimeout, @DefaultValue @NotNull @Valid Producer producer) {

	@AssertTrue(
			message = "healer.hook.publish-timeout must be between 100ms and 2900ms: Okta gives up on a hook after 3s")
	boolean isPublishTimeoutBelowOktaTimeout() {
		return this.publishTimeout == null || (this.publishTimeout.compareTo(Duration.ofMillis(100)) >= 0
				&& this.publishTimeout.compareTo(Duration.ofMillis(2900)) <= 0);
	}

	/**
	 * Batching of the {@code okta.events} producer ({@code healer.hook.producer.*}).
	 * Every request thread waits for its own acknowledgements, so many deliveries are in
	 * flight at once: a few milliseconds of linger gather them into one produce request
	 * per partition, which costs the service's and the broker's CPU far less than many
	 * small ones. 2 ms rather than Kafka's default of 5: at 64 connections on two cores
	 * the two gave the same deliveries per second and CPU per delivery (the batches were
	 * full enough either way), and 2 ms halved the median answer time at half that load
	 * (2.7 against 5.6 ms, HookBenchmark). Compression stays off by default: on a small
	 * box its CPU costs more than the bytes it saves on a local network, and the broker
	 * must decompress idempotent batches to check them.
	 *
	 * @param linger how long a batch waits for more records ({@code linger.ms})
	 * @param batchSize the largest batch per partition ({@code batch.size}); a 10-event
	 * delivery is about 10 KB
	 * @param compression {@code compression.type}
	 * @param bufferMemory memory for records not yet sent ({@code buffer.memory}); a send
	 * blocks (up to half the publish timeout) when it is full
	 */
	public record Producer(@DefaultValue("2ms") @NotNull Duration linger,
			@DefaultValue("64KB") @NotNull DataSize batchSize,
			@DefaultValue("none") @NotNull CompressionType compression,
			@DefaultValue("32MB") @NotNull DataSize bufferMemory) {

		@AssertTrue(message = "healer.hook.producer.linger must be between 0 and 100ms: every hook answer waits for it")
		boolean isLingerShort() {
			return this.linger == null || (!this.linger.isNegative() && this.linger.toMillis() <= 100);
		}

		@AssertTrue(message = "healer.hook.producer.batch-size must be between 1KB and 8MB, buffer-memory at least 1MB")
		boolean isSizeSane() {
			return this.batchSize == null || this.bufferMemory == null || (this.batchSize.toBytes() >= 1024
					&& this.batchSize.toBytes() <= 8 * 1024 * 1024 && this.bufferMemory.toBytes() >= 1024 * 1024);
		}

	}

}
