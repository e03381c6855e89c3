package dev.factorhealer.hook;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

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
	OktaHookController oktaHookController(HookProperties properties, OktaEventsProperties events,
			OktaEventPublisher publisher, JsonMapper mapper, HookMetrics metrics, RefusalLog refusals) {
		properties.secrets()
			.forEach((secret) -> SecretStrength.check("healer.hook.secrets [HEALER_HOOK_SECRETS]", secret));
		return new OktaHookController(properties, events.publishTimeout(), new HookSecrets(properties.secrets()),
				publisher, mapper, metrics, refusals);
	}

}
