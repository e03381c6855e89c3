package dev.factorhealer.followup;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

import dev.factorhealer.detection.StuckFactorMatcher;
import dev.factorhealer.events.OktaEventsProperties;
import dev.factorhealer.remediation.RemediationBrake;
import dev.factorhealer.system.KafkaProducers;
import dev.factorhealer.system.KafkaTopics;
import dev.factorhealer.system.TopicNames;

@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "healer.followup.enabled", havingValue = "true", matchIfMissing = true)
class FollowUpConfiguration {

	private static final Logger log = LoggerFactory.getLogger(FollowUpConfiguration.class);

	/**
	 * Kept 90 days (Okta's System Log retention), so {@code report --since 30d} has its
	 * data.
	 */
	@Bean
	NewTopic followupsTopic(TopicNames topics) {
		return KafkaTopics.topic(topics.followups(), 3)
			.config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(90).toMillis()))
			.build();
	}

	/**
	 * As many partitions as the events topic (the hook's {@code healer.hook.partitions}):
	 * co-partitioned.
	 */
	@Bean
	NewTopic followupStateTopic(TopicNames topics, OktaEventsProperties events) {
		return KafkaTopics.topic(topics.followupState(), events.partitions())
			.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
			.build();
	}

	@Bean
	FollowUpStarter followUpStarter(FollowUpProperties properties, TopicNames topics, KafkaProperties kafka,
			JsonMapper mapper, MeterRegistry registry) {
		return new FollowUpStarter(properties, topics, kafka, producer(kafka, "healer-followup-starter"), mapper,
				Clock.systemUTC(), registry);
	}

	@Bean
	FollowUpTracker followUpTracker(FollowUpProperties properties, TopicNames topics, StuckFactorMatcher matcher,
			KafkaProperties kafka, KafkaAdmin admin, JsonMapper mapper, MeterRegistry registry) {
		log.info("Following healed users for {} (state on {}, outcomes on {})", properties.window(),
				topics.followupState(), topics.followups());
		return new FollowUpTracker(properties, topics, new FollowUpEvents(matcher), kafka,
				producer(kafka, "healer-followup"), mapper, Clock.systemUTC(), registry) {

			@Override
			public void start() {
				checkCoPartitioned(admin, topics);
				super.start();
			}
		};
	}

	@Bean
	FollowUpRates followUpRates(FollowUpProperties properties, TopicNames topics, RemediationBrake brake,
			KafkaProperties kafka, JsonMapper mapper, MeterRegistry registry) {
		FollowUpProperties.Brake rule = properties.brake();
		log.info("Brake: {}",
				rule.enabled() ? "engages when more than " + rule.maxRepeatFailureRate() + " of at least "
						+ rule.minFollowups() + " follow-ups ended within " + properties.rateWindow() + " failed again"
						: "off (healer.followup.brake.enabled=false)");
		return new FollowUpRates(properties, topics, brake, kafka, mapper, Clock.systemUTC(), registry);
	}

	/**
	 * The replica owning events partition p must own state partition p: same count, same
	 * keys. A topic created beforehand with another count stops the service here.
	 */
	static void checkCoPartitioned(KafkaAdmin admin, TopicNames names) {
		Map<String, TopicDescription> topics = admin.describeTopics(names.events(), names.followupState());
		int events = topics.get(names.events()).partitions().size();
		int state = topics.get(names.followupState()).partitions().size();
		if (events != state) {
			throw new IllegalStateException(names.followupState() + " has " + state + " partitions but "
					+ names.events() + " has " + events + ": the follow-up state must have as many partitions "
					+ "as the events (healer.topics.names.followup-state, healer.hook.partitions)");
		}
	}

	private static KafkaTemplate<String, byte[]> producer(KafkaProperties kafka, String clientId) {
		return KafkaProducers.template(kafka, clientId, new StringSerializer(), new ByteArraySerializer(), Map.of());
	}

}
