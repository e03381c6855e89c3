package dev.factorhealer.detection;

import java.time.Clock;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import dev.factorhealer.system.KafkaTopics;

@Configuration(proxyBeanMethods = false)
class DetectionConfiguration {

	@Bean
	NewTopic remediationRequestsTopic() {
		return KafkaTopics.topic("okta.remediation.requests", 6).build();
	}

	/** The same rules, for the follow-up of healed users. */
	@Bean
	StuckFactorMatcher stuckFactorMatcher(DetectionProperties properties) {
		return new StuckFactorMatcher(new StuckFactorDetector(properties.rules()));
	}

	@Bean
	Detection detection(DetectionProperties properties, JsonMapper mapper, MeterRegistry registry) {
		return new Detection(new StuckFactorDetector(properties.rules()),
				new DetectionMemory(properties.dedupeTtl(), properties.dedupeMaxEvents(), properties.coalesceWindow(),
						properties.coalesceMaxUsers()),
				mapper, Clock.systemUTC(), registry);
	}

	/** {@code okta.events} to {@code okta.remediation.requests}; binding {@code detect-in-0}/{@code detect-out-0}. */
	@Bean
	Function<Message<byte[]>, Message<byte[]>> detect(Detection detection) {
		return detection::apply;
	}

}
