package dev.factorhealer.okta;

import java.net.URI;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up: the settings are validated and a bad one stops the service with a message
 * that names what to set; the beans and their metrics are there when the settings are
 * good.
 */
class OktaConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(OktaConfiguration.class, Settings.class)
		.withBean(MeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
		.withBean(JsonMapper.class, () -> JsonMapper.builder().build());

	@Test
	void refusesAPlainHttpOrgUrlUnlessTheHttpsCheckIsDisabled() {
		this.runner.withPropertyValues("okta.client.org-url=http://127.0.0.1:8089", "okta.client.token=t0k3n")
			.run(context -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("okta.client.org-url")
					.hasMessageContaining("must use https")
					.hasMessageContaining("OKTA_TESTING_DISABLEHTTPSCHECK=true");
			});
		this.runner
			.withPropertyValues("okta.client.org-url=http://127.0.0.1:8089", "okta.client.token=t0k3n",
					"okta.testing.disable-https-check=true")
			.run(context -> assertThat(context).hasNotFailed().hasSingleBean(OktaFactors.class));
	}

	@Test
	void startsWithAnHttpsOrgUrlAndDropsItsTrailingSlash() {
		this.runner.withPropertyValues("okta.client.org-url=https://example.okta.com/", "okta.client.token=t0k3n")
			.run(context -> {
				assertThat(context).hasNotFailed().hasSingleBean(OktaFactors.class);
				assertThat(context.getBean(OktaClientProperties.class).orgUrl())
					.isEqualTo(URI.create("https://example.okta.com"));
				assertThat(context.getBean(OktaClientProperties.class))
					.hasToString("OktaClientProperties[orgUrl=https://example.okta.com, token=(set)]");
			});
	}

	@Test
	void namesTheEnvironmentVariablesOfMissingSettings() {
		this.runner.run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("OKTA_CLIENT_ORGURL")
				.hasMessageContaining("OKTA_CLIENT_TOKEN");
		});
	}

	@Test
	void refusesAnOrgUrlWithAPathOrATokenWithItsScheme() {
		this.runner.withPropertyValues("okta.client.org-url=https://example.okta.com/api/v1", "okta.client.token=t0k3n")
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("must be the org's base URL"));
		this.runner.withPropertyValues("okta.client.org-url=https://example.okta.com", "okta.client.token=SSWS t0k3n")
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("leave out the 'SSWS ' prefix"));
	}

	@Test
	void refusesABudgetBelowTwoCallsPerMinute() {
		this.runner
			.withPropertyValues("okta.client.org-url=https://example.okta.com", "okta.client.token=t0k3n",
					"healer.okta.requests-per-minute=1")
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("HEALER_OKTA_REQUESTSPERMINUTE"));
	}

	@Test
	void defaultsKeepHeadroomBelowTheSmallestOrgsLimit() {
		this.runner.withPropertyValues("okta.client.org-url=https://example.okta.com", "okta.client.token=t0k3n")
			.run(context -> {
				OktaPolicyProperties policy = context.getBean(OktaPolicyProperties.class);
				assertThat(policy).isEqualTo(new OktaPolicyProperties(30, Duration.ofSeconds(2), Duration.ofSeconds(5),
						5, Duration.ofMillis(500), Duration.ofSeconds(20), 50, 20, Duration.ofSeconds(30),
						Duration.ofSeconds(30), 0, false, Duration.ofSeconds(60)));
				assertThat(context.getBean(OktaTestingProperties.class).disableHttpsCheck()).isFalse();
			});
	}

	@Test
	void publishesTheModulesMetricsUnderTheirPrometheusNames() {
		this.runner.withPropertyValues("okta.client.org-url=https://example.okta.com", "okta.client.token=t0k3n")
			.run(context -> assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
				.contains("healer_okta_rate_limit_remaining{bucket=\"factors\"} NaN")
				.contains("healer_okta_rate_limit_limit{bucket=\"factors\"} NaN")
				.contains("healer_okta_throttled_total 0.0")
				.contains("resilience4j_circuitbreaker_state{name=\"okta\",state=\"open\"} 0.0")
				.contains("resilience4j_circuitbreaker_state{name=\"okta\",state=\"closed\"} 1.0")
				.contains("resilience4j_ratelimiter_available_permissions{name=\"okta\"} 1.0")
				.contains("resilience4j_retry_calls_total{kind=\"failed_with_retry\",name=\"okta\"} 0.0"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ OktaClientProperties.class, OktaTestingProperties.class,
			OktaPolicyProperties.class })
	static class Settings {

	}

}
