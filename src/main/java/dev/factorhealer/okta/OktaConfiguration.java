package dev.factorhealer.okta;

import java.net.http.HttpClient;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The Okta client: one {@link OktaHttp} per rate-limit bucket (the factors bucket, named
 * {@code okta}, and the System Log's, named {@code okta-logs}) sharing the module's
 * meters and resilience4j registries, the {@link OktaFactors} the remediation uses and
 * the {@link OktaSystemLog} the System Log poller uses. Refuses to start with a
 * plain-http org URL unless {@code okta.testing.disable-https-check=true}: the API token
 * travels in every request.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OktaSystemLogProperties.class)
class OktaConfiguration {

	private static final Logger log = LoggerFactory.getLogger(OktaConfiguration.class);

	/** Name of the factors bucket's RateLimiter, CircuitBreaker and Retry. */
	static final String FACTORS_BUCKET = "okta";

	/** Name of the System Log bucket's RateLimiter, CircuitBreaker and Retry. */
	static final String LOGS_BUCKET = "okta-logs";

	/** System Log pages are read up to this size: 1000 events of a few kilobytes each. */
	static final int MAX_LOG_PAGE_BYTES = 32 * 1024 * 1024;

	static final String USER_AGENT = "okta-factor-healer";

	@Bean
	OktaMetrics oktaMetrics(MeterRegistry registry) {
		return new OktaMetrics(registry);
	}

	@Bean
	OktaResilience oktaResilience(MeterRegistry registry) {
		return new OktaResilience(registry);
	}

	/**
	 * The API token, or the service app whose first access token is fetched here, before
	 * the service reports ready: a wrong key, client id or scope stops the start with a
	 * message that says which.
	 */
	@Bean
	OktaAuthorization oktaAuthorization(OktaClientProperties client, OktaTestingProperties testing,
			OktaPolicyProperties policy, OktaResilience resilience, MeterRegistry registry, JsonMapper mapper) {
		requireHttps(client, testing);
		OktaAuthorization authorization = OktaAuthorizations.create(client, policy, resilience, registry, mapper,
				Clock.systemUTC());
		if (authorization instanceof ServiceAppAuthorization serviceApp) {
			OktaAuthorizations.verifyAtStartUp(serviceApp, client);
		}
		log.info("Okta org {}: calls are authorized with {}", client.orgUrl(), authorization.describe());
		return authorization;
	}

	@Bean
	OktaHttp oktaFactorsHttp(OktaClientProperties client, OktaTestingProperties testing, OktaPolicyProperties policy,
			OktaResilience resilience, OktaMetrics metrics, JsonMapper mapper, OktaAuthorization authorization) {
		requireHttps(client, testing);
		log.info("Okta client for {}: {} requests per minute (one permit every {} ms), {} attempts per call",
				client.orgUrl(), policy.requestsPerMinute(),
				CallBudget.refreshPeriod(policy.requestsPerMinute()).toMillis(), policy.maxAttempts());
		return new OktaHttp(FACTORS_BUCKET, client.orgUrl(), restClient(client, policy), authorization,
				policy.requestsPerMinute(), policy, resilience, metrics, mapper, Clock.systemUTC());
	}

	@Bean
	OktaFactors oktaFactors(OktaHttp oktaFactorsHttp, OktaPolicyProperties policy, JsonMapper mapper) {
		return new OktaFactorsClient(oktaFactorsHttp, mapper, policy.removeRecoveryEnrollment());
	}

	/**
	 * The System Log on its own bucket: {@code /api/v1/logs} has a rate limit of its own
	 * (20 to 120 per minute, shared with every SIEM of the org), so its budget, throttle
	 * gate, retries and circuit are separate from the factors bucket's. Its answers do
	 * not feed {@code healer_okta_rate_limit_remaining}, which stays the factors
	 * bucket's.
	 */
	@Bean
	OktaSystemLog oktaSystemLog(OktaClientProperties client, OktaTestingProperties testing, OktaPolicyProperties policy,
			OktaSystemLogProperties systemLog, OktaResilience resilience, MeterRegistry registry, JsonMapper mapper,
			OktaAuthorization authorization) {
		if (!client.usesHttps() && !testing.disableHttpsCheck()) {
			requireHttps(client, testing);
		}
		int requestsPerMinute = systemLog.requestsPerMinute();
		log.info("Okta System Log client for {}: {} requests per minute (one permit every {} ms)", client.orgUrl(),
				requestsPerMinute, CallBudget.refreshPeriod(requestsPerMinute).toMillis());
		OktaHttp http = new OktaHttp(LOGS_BUCKET, client.orgUrl(), restClient(client, policy), authorization,
				requestsPerMinute, policy, resilience, new OktaMetrics(registry, OktaMetrics.LOGS_BUCKET), mapper,
				Clock.systemUTC(), MAX_LOG_PAGE_BYTES);
		return new OktaSystemLogClient(http, client.orgUrl(), mapper, MAX_LOG_PAGE_BYTES);
	}

	/**
	 * The RestClient every bucket of one org (and its token endpoint) uses: JDK
	 * HttpClient with the timeouts, base URL the org, JSON, no redirects followed. The
	 * {@link OktaAuthorization} sets {@code Authorization} per attempt.
	 */
	static RestClient restClient(OktaClientProperties client, OktaPolicyProperties policy) {
		HttpClient httpClient = HttpClient.newBuilder()
			.connectTimeout(policy.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(policy.readTimeout());
		return RestClient.builder()
			.requestFactory(requestFactory)
			.baseUrl(client.orgUrl())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.defaultHeader(HttpHeaders.USER_AGENT, USER_AGENT)
			.build();
	}

	static void requireHttps(OktaClientProperties client, OktaTestingProperties testing) {
		if (client.usesHttps()) {
			return;
		}
		if (!testing.disableHttpsCheck()) {
			throw new InvalidConfigurationPropertyValueException("okta.client.org-url", client.orgUrl(),
					"the Okta org URL (OKTA_CLIENT_ORGURL) must use https: the API token or access token travels in every request. "
							+ "Only for a local sandbox or tests, set okta.testing.disable-https-check=true "
							+ "(OKTA_TESTING_DISABLEHTTPSCHECK=true)");
		}
		log.warn("okta.testing.disable-https-check=true: calling the Okta org {} over plain http", client.orgUrl());
	}

}
