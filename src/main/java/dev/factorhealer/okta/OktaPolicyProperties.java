package dev.factorhealer.okta;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the healer spends Okta's rate limit and copes with failures
 * ({@code healer.okta.*}).
 *
 * @param requestsPerMinute the call budget of the factors bucket: no 60-second window,
 * aligned or not, holds more calls (retries included). The smallest orgs have 100 per
 * minute for "most other API actions" and an API token gets 50 % of it, shared with every
 * other integration: keep headroom. At least 2.
 * @param connectTimeout TCP/TLS connect timeout
 * @param readTimeout how long one HTTP call may wait for the answer's headers
 * @param maxAttempts HTTP attempts per call, the first included
 * @param initialBackoff first wait before retrying a 5xx, timeout or connection error
 * @param maxBackoff longest wait between two attempts (exponential backoff with jitter in
 * between)
 * @param circuitFailureRate percentage of failed calls (5xx, timeouts, connection errors)
 * in the window that opens the circuit
 * @param circuitWindow number of recent calls the failure rate is computed over (also the
 * minimum before the circuit can open)
 * @param circuitOpenFor how long an open circuit refuses calls before letting a few
 * through
 * @param permitTimeout longest wait of one call for a budget permit (the call's deadline
 * may cut it shorter)
 * @param lowRemainingFloor when an answer says {@code X-Rate-Limit-Remaining} is at or
 * below this, no call starts before {@code X-Rate-Limit-Reset}; 0 stops only when the
 * bucket is empty
 * @param maxResetWait the longest a 429 (or an empty bucket) closes the gate: a reset
 * further ahead, in the past, missing or not a number is not trusted and means this wait
 * (one WARN line names the raw value), so a broken header never stops the healer until a
 * restart
 * @param removeRecoveryEnrollment send {@code removeRecoveryEnrollment=true} with a
 * DELETE, which also removes the phone as a recovery method; off unless deliberately
 * configured
 */
@Validated
@ConfigurationProperties("healer.okta")
record OktaPolicyProperties(@DefaultValue("30") @Min(value = 2,
		message = "healer.okta.requests-per-minute (HEALER_OKTA_REQUESTSPERMINUTE) must be at least 2") int requestsPerMinute,
		@DefaultValue("2s") @NotNull Duration connectTimeout, @DefaultValue("5s") @NotNull Duration readTimeout,
		@DefaultValue("5") @Min(value = 1, message = "healer.okta.max-attempts must be at least 1") @Max(value = 20,
				message = "healer.okta.max-attempts must be at most 20") int maxAttempts,
		@DefaultValue("500ms") @NotNull Duration initialBackoff, @DefaultValue("20s") @NotNull Duration maxBackoff,
		@DefaultValue("50") @Min(value = 1,
				message = "healer.okta.circuit-failure-rate is a percentage between 1 and 100") @Max(value = 100,
						message = "healer.okta.circuit-failure-rate is a percentage between 1 and 100") int circuitFailureRate,
		@DefaultValue("20") @Min(value = 2,
				message = "healer.okta.circuit-window must be at least 2 calls") int circuitWindow,
		@DefaultValue("30s") @NotNull Duration circuitOpenFor, @DefaultValue("30s") @NotNull Duration permitTimeout,
		@DefaultValue("0") @Min(value = 0,
				message = "healer.okta.low-remaining-floor must not be negative") int lowRemainingFloor,
		@DefaultValue("false") boolean removeRecoveryEnrollment, @DefaultValue("60s") @NotNull Duration maxResetWait) {

	@AssertTrue(
			message = "healer.okta.connect-timeout, read-timeout, initial-backoff, max-backoff, circuit-open-for, permit-timeout and max-reset-wait must be positive durations")
	boolean isEveryDurationPositive() {
		return positive(this.connectTimeout) && positive(this.readTimeout) && positive(this.initialBackoff)
				&& positive(this.maxBackoff) && positive(this.circuitOpenFor) && positive(this.permitTimeout)
				&& positive(this.maxResetWait);
	}

	@AssertTrue(message = "healer.okta.initial-backoff must not be longer than healer.okta.max-backoff")
	boolean isInitialBackoffAtMostMaxBackoff() {
		return this.initialBackoff == null || this.maxBackoff == null
				|| this.initialBackoff.compareTo(this.maxBackoff) <= 0;
	}

	private static boolean positive(Duration duration) {
		return duration == null || (!duration.isNegative() && !duration.isZero());
	}

}
