package dev.factorhealer.systemlog;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the System Log poller ({@code healer.systemlog.*}).
 *
 * @param enabled poll the System Log (the poller starts once the service is ready and
 * never stops it from starting: an unreachable Okta or Kafka only shows in its log lines
 * and meters)
 * @param filter SCIM filter of the query: the failures in which a stuck SMS factor shows,
 * including {@code system.sms.send_factor_verify_message}, which event hooks cannot
 * carry, or a successful {@code user.mfa.factor.activate} (a healed user enrolling
 * again). A change takes effect at the next start: the poll restarts from its position
 * with the new filter.
 * @param limit events per page, 1 to 1000
 * @param interval wait between polls after a page that was not full (a full page is
 * followed at once, within the call budget)
 * @param lookBack how far back the very first poll starts (no cursor yet); at most Okta's
 * 90-day retention
 * @param pageTimeout longest time one page may take to fetch, rate-limit waits and
 * retries included
 * @param publishTimeout how long to wait for Kafka's acknowledgements of a page's events,
 * and of the cursor
 * @param leaseGroup consumer group whose member holding the cursor topic's partition is
 * the one replica that polls
 */
@Validated
@ConfigurationProperties("healer.systemlog")
record SystemLogProperties(@DefaultValue("true") boolean enabled, @DefaultValue(DEFAULT_FILTER) @NotBlank(
		message = "healer.systemlog.filter must not be blank: polling every event of the org is not what the poller is for") String filter,
		@DefaultValue("100") @Min(value = 1, message = "healer.systemlog.limit must be between 1 and 1000") @Max(
				value = 1000, message = "healer.systemlog.limit must be between 1 and 1000") int limit,
		@DefaultValue("30s") @NotNull Duration interval, @DefaultValue("1h") @NotNull Duration lookBack,
		@DefaultValue("2m") @NotNull Duration pageTimeout, @DefaultValue("10s") @NotNull Duration publishTimeout,
		@DefaultValue("healer-systemlog-lease") @NotBlank String leaseGroup) {

	/**
	 * Failures of the event types in which the stuck-factor error shows, or successful
	 * factor activations (the follow-up of healed users:
	 * {@code followup.FollowUpEvents.TYPES}).
	 */
	static final String DEFAULT_FILTER = "(outcome.result eq \"FAILURE\" and (eventType eq \"system.sms.send_factor_verify_message\""
			+ " or eventType eq \"user.authentication.auth_via_mfa\"))"
			+ " or (eventType eq \"user.mfa.factor.activate\" and outcome.result eq \"SUCCESS\")";

	/** Okta keeps the System Log for 90 days. */
	static final Duration RETENTION = Duration.ofDays(90);

	@AssertTrue(
			message = "healer.systemlog.interval, look-back, page-timeout and publish-timeout must be positive durations")
	boolean isEveryDurationPositive() {
		return positive(this.interval) && positive(this.lookBack) && positive(this.pageTimeout)
				&& positive(this.publishTimeout);
	}

	@AssertTrue(message = "healer.systemlog.look-back must be at most 90 days: Okta keeps the System Log that long")
	boolean isLookBackWithinRetention() {
		return this.lookBack == null || this.lookBack.compareTo(RETENTION) <= 0;
	}

	private static boolean positive(Duration duration) {
		return duration == null || (!duration.isNegative() && !duration.isZero());
	}

}
