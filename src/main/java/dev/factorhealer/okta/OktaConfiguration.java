package dev.factorhealer.okta;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Okta client: one {@link OktaHttp} per rate-limit bucket (the factors bucket, named
 * {@code okta}, today) sharing the module's meters and resilience4j registries, and the
 * {@link OktaFactors} the remediation uses. Refuses to start with a plain-http org URL unless
 * {@code okta.testing.disable-https-check=true}: the API token travels in every request.
 */
@Configuration(proxyBeanMethods = false)
class OktaConfiguration {

	private static final Logger log = LoggerFactory.getLogger(OktaConfiguration.class);

	/** Name of the factors bucket's RateLimiter, CircuitBreaker and Retry. */
	static final String FACTORS_BUCKET = "okta";

	@Bean
	OktaMetrics oktaMetrics(MeterRegistry registry) {
		return new OktaMetrics(registry);
	}

	@Bean
	OktaResilience oktaResilience(MeterRegistry registry) {
		return new OktaResilience(registry);
	}

	@Bean
	OktaHttp oktaFactorsHttp(OktaClientProperties client, OktaTestingProperties testing, OktaPolicyProperties policy,
			OktaResilience resilience, OktaMetrics metrics, JsonMapper mapper) {
		requireHttps(client, testing);
		log.info("Okta client for {}: {} requests per minute (one permit every {} ms), {} attempts per call", client.orgUrl(),
				policy.requestsPerMinute(), OktaHttp.refreshPeriod(policy.requestsPerMinute()).toMillis(),
				policy.maxAttempts());
		return new OktaHttp(FACTORS_BUCKET, client.orgUrl(), OktaHttp.restClient(client, policy), policy.requestsPerMinute(),
				policy, resilience, metrics, mapper, Clock.systemUTC());
	}

	@Bean
	OktaFactors oktaFactors(OktaHttp oktaFactorsHttp, OktaPolicyProperties policy, JsonMapper mapper) {
		return new OktaFactorsClient(oktaFactorsHttp, mapper, policy.removeRecoveryEnrollment());
	}

	static void requireHttps(OktaClientProperties client, OktaTestingProperties testing) {
		if (client.usesHttps()) {
			return;
		}
		if (!testing.disableHttpsCheck()) {
			throw new InvalidConfigurationPropertyValueException("okta.client.org-url", client.orgUrl(),
					"the Okta org URL (OKTA_CLIENT_ORGURL) must use https: the API token travels in every request. "
							+ "Only for a local sandbox or tests, set okta.testing.disable-https-check=true "
							+ "(OKTA_TESTING_DISABLEHTTPSCHECK=true)");
		}
		log.warn("okta.testing.disable-https-check=true: calling the Okta org {} over plain http", client.orgUrl());
	}

}
