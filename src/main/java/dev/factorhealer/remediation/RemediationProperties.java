package dev.factorhealer.remediation;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the remediation worker ({@code healer.remediation.*}).
 *
 * @param mode {@code live} deletes; {@code dry-run} (default) only checks and reports
 * @param factorTypes the only factor types ever unenrolled
 * @param pauseAfterDelete the pause after every successful DELETE before this worker's
 * next Okta call (Okta advises one)
 * @param maxDeletionsPerHour the blast-radius cap: past it, requests go to the stuck
 * topic
 * @param requestTimeout the most one request may take, retries and waits included; with
 * one record per poll it must stay well below the consumer's {@code max.poll.interval.ms}
 * (10 min)
 * @param maxStatusAge a DELETE goes out only on a status read at most this old; an older
 * one is read again ({@code GET .../factors/{factorId}}) first Topic names are in
 * {@code healer.topics.names.*}.
 */
@Validated
@ConfigurationProperties("healer.remediation")
record RemediationProperties(@DefaultValue("dry-run") @NotNull RemediationMode mode,
		@DefaultValue("sms") @NotEmpty List<@NotBlank String> factorTypes,
		@DefaultValue("1s") @NotNull Duration pauseAfterDelete, @DefaultValue("100") @Min(1) int maxDeletionsPerHour,
		@DefaultValue("3m") @NotNull Duration requestTimeout, @DefaultValue("5s") @NotNull Duration maxStatusAge) {

	@AssertTrue(
			message = "healer.remediation.max-status-age must be between 1s and 60s: a DELETE must follow a recent read of the factor")
	boolean isMaxStatusAgeSane() {
		return this.maxStatusAge == null || (this.maxStatusAge.compareTo(Duration.ofSeconds(1)) >= 0
				&& this.maxStatusAge.compareTo(Duration.ofSeconds(60)) <= 0);
	}

	@AssertTrue(
			message = "healer.remediation.request-timeout must be between 5s and 5m: a request holds its partition that long, and the consumer's max.poll.interval.ms is 10m")
	boolean isRequestTimeoutBelowPollInterval() {
		return this.requestTimeout == null || (this.requestTimeout.compareTo(Duration.ofSeconds(5)) >= 0
				&& this.requestTimeout.compareTo(Duration.ofMinutes(5)) <= 0);
	}

	@AssertTrue(message = "healer.remediation.pause-after-delete must be between 0 and 30s")
	boolean isPauseSane() {
		return this.pauseAfterDelete == null || (!this.pauseAfterDelete.isNegative()
				&& this.pauseAfterDelete.compareTo(Duration.ofSeconds(30)) <= 0);
	}

}
