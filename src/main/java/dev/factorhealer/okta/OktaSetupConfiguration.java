package dev.factorhealer.okta;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The Okta side of the set-up commands ({@code hook create}, {@code hook show},
 * {@code doctor}): the module's settings and one {@link OktaSetup}. Deliberately not a
 * {@code @Configuration}: the service never scans it, only the commands import it, and it
 * does not run the service's start-up check (a refused token is a {@code doctor} finding,
 * not a crash).
 */
@EnableConfigurationProperties({ OktaClientProperties.class, OktaTestingProperties.class, OktaPolicyProperties.class,
		OktaSystemLogProperties.class })
public class OktaSetupConfiguration {

	@Bean
	OktaSetup oktaSetup(OktaClientProperties client, OktaTestingProperties testing, OktaPolicyProperties policy,
			OktaSystemLogProperties systemLog, ObjectProvider<MeterRegistry> registry,
			ObjectProvider<JsonMapper> mapper) {
		OktaConfiguration.requireHttps(client, testing);
		return new OktaSetup(client, policy, registry.getIfAvailable(SimpleMeterRegistry::new),
				mapper.getIfAvailable(() -> JsonMapper.builder().build()), systemLog.requestsPerMinute(),
				Clock.systemUTC());
	}

}
