package dev.factorhealer.okta;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The System Log bucket's budget, under the poller's prefix where operators look for it
 * ({@code healer.systemlog.*}), bound here because this module builds the bucket; the
 * poller's other settings are its own.
 *
 * @param requestsPerMinute the call budget of the System Log bucket ({@code /api/v1/logs}
 * has its own Okta rate limit, 20 to 120 per minute, shared with every SIEM of the org):
 * no 60-second window holds more calls, retries included. At least 2.
 */
@Validated
@ConfigurationProperties("healer.systemlog")
record OktaSystemLogProperties(@DefaultValue("" + OktaSystemLog.DEFAULT_REQUESTS_PER_MINUTE) @Min(value = 2,
		message = "the System Log call budget healer.systemlog.requests-per-minute (HEALER_SYSTEMLOG_REQUESTSPERMINUTE) must be at least 2") int requestsPerMinute) {

}
