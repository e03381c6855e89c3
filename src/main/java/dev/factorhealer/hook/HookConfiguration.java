package dev.factorhealer.hook;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.events.OktaEventsProperties;
import dev.factorhealer.system.RefusalLog;
import dev.factorhealer.system.SecretStrength;

/**
 * The hook endpoint, its secrets (refused at start-up when weak) and its meters; the
 * producer behind it belongs to the events contract.
 */
@Configuration(proxyBeanMethods = false)
class HookConfiguration {

	@Bean
	HookMetrics hookMetrics(MeterRegistry registry) {
		return new HookMetrics(registry);
	}

	@Bean
	ServletRegistrationBean<OktaHookServlet> oktaHookServlet(HookProperties properties, OktaEventsProperties events,
			OktaEventPublisher publisher, JsonMapper mapper, HookMetrics metrics, RefusalLog refusals) {
		properties.secrets()
			.forEach((secret) -> SecretStrength.check("healer.hook.secrets [HEALER_HOOK_SECRETS]", secret));
		OktaHookServlet servlet = new OktaHookServlet(properties, events.publishTimeout(),
				new HookSecrets(properties.secrets()), publisher, mapper, metrics, refusals);
		ServletRegistrationBean<OktaHookServlet> registration = new ServletRegistrationBean<>(servlet,
				OktaHookServlet.PATH);
		registration.setName("oktaHook");
		// ready with the server, not on the first delivery
		registration.setLoadOnStartup(1);
		return registration;
	}

}
