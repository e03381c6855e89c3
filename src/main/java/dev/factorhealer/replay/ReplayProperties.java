package dev.factorhealer.replay;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of replay ({@code healer.replay.*}).
 *
 * @param maxReplays a record already replayed this many times is parked instead (loop
 * guard) Topic names (the stuck topics, the parked topic, the replay ledger) are in
 * {@code healer.topics.names.*}.
 */
@Validated
@ConfigurationProperties("healer.replay")
record ReplayProperties(@DefaultValue("3") @Min(1) @Max(100) int maxReplays) {
}
