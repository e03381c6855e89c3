package dev.factorhealer.followup;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the follow-up of healed users ({@code healer.followup.*}).
 *
 * @param enabled follow healed users (and run the brake)
 * @param window how long a healed user is followed before the follow-up ends
 * {@code NO_ACTIVITY}
 * @param rateWindow the recent window of the rates and of the brake: follow-ups that
 * ended within it
 * @param group consumer group of the follow-up (events and state);
 * {@code <group>-starter} reads the results
 * @param brake when the follow-up stops live remediation Topic names are in
 * {@code healer.topics.names.*}.
 */
@Validated
@ConfigurationProperties("healer.followup")
record FollowUpProperties(@DefaultValue("true") boolean enabled, @DefaultValue("7d") @NotNull Duration window,
		@DefaultValue("24h") @NotNull Duration rateWindow, @DefaultValue("healer-followup") @NotBlank String group,
		@DefaultValue @Valid @NotNull Brake brake) {

	/**
	 * The brake: among the follow-ups that ended within {@code rate-window} (and since
	 * the brake was last released), when more than {@code max-repeat-failure-rate} of at
	 * least {@code min-followups} ended {@code FAILED_AGAIN}, live remediation pauses.
	 *
	 * @param enabled let the follow-up engage the brake
	 * @param maxRepeatFailureRate share of {@code FAILED_AGAIN} above which the brake
	 * engages
	 * @param minFollowups ended follow-ups needed before the share is trusted
	 */
	record Brake(@DefaultValue("true") boolean enabled, @DefaultValue("0.5") @DecimalMin(value = "0.0",
			inclusive = false,
			message = "healer.followup.brake.max-repeat-failure-rate must be above 0 and below 1") @DecimalMax(
					value = "1.0", inclusive = false,
					message = "healer.followup.brake.max-repeat-failure-rate must be above 0 and below 1") double maxRepeatFailureRate,
			@DefaultValue("10") @Min(value = 1,
					message = "healer.followup.brake.min-followups must be at least 1") int minFollowups) {

	}

	@AssertTrue(message = "healer.followup.window and healer.followup.rate-window must be between 1s and 90d")
	boolean isWindowSane() {
		return sane(this.window) && sane(this.rateWindow);
	}

	private static boolean sane(Duration duration) {
		return duration == null
				|| (duration.compareTo(Duration.ofSeconds(1)) >= 0 && duration.compareTo(Duration.ofDays(90)) <= 0);
	}

}
