package dev.factorhealer.replay;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of replay ({@code healer.replay.*}).
 *
 * @param maxReplays a record already replayed this many times is parked instead (loop guard)
 * @param parkedTopic where parked records go
 * @param ledgerTopic the compacted topic remembering which stuck records were replayed
 */
@Validated
@ConfigurationProperties("healer.replay")
record ReplayProperties(@DefaultValue("3") @Min(1) @Max(100) int maxReplays,
		@DefaultValue("okta.remediation.parked") @NotBlank String parkedTopic,
		@DefaultValue("okta.replay.ledger") @NotBlank String ledgerTopic) {
}
