package dev.factorhealer.systemlog;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.okta.OktaClientProperties;
import dev.factorhealer.okta.OktaSystemLog;
import dev.factorhealer.system.KafkaProducers;
import dev.factorhealer.system.TopicNames;

/**
 * The cursor topic and the poller, put together from its lease, cursor store and page
 * publisher. The poller is always there (its meters too); it starts once the application
 * is ready, when {@code healer.systemlog.enabled} is true, and stops first on shutdown.
 */
@Configuration(proxyBeanMethods = false)
class SystemLogConfiguration {

	@Bean
	NewTopic systemLogCursorTopic(TopicNames topics) {
		return cursorTopic(topics.systemlogCursor());
	}

	/** The cursor is keyed by the org URL of the bound Okta client settings. */
	@Bean
	SystemLogPoller systemLogPoller(OktaSystemLog okta, SystemLogProperties settings, TopicNames topics,
			OktaEventPublisher publisher, KafkaProperties kafka, KafkaAdmin admin, JsonMapper mapper,
			MeterRegistry registry, OktaClientProperties client) {
		return poller("systemlog", topics.systemlogCursor(), settings, okta, publisher, kafka, admin, mapper, registry,
				cursorKey(client.orgUrl().toString()));
	}

	static SystemLogPoller poller(String name, String cursorTopic, SystemLogProperties settings, OktaSystemLog okta,
			OktaEventPublisher publisher, KafkaProperties kafka, KafkaAdmin admin, JsonMapper mapper,
			MeterRegistry registry, String cursorKey) {
		NewTopic topic = cursorTopic(cursorTopic);
		Map<String, Object> leaseConfig = leaseConsumerConfig(kafka, settings, name);
		Map<String, Object> producer = Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG,
				Math.max(100, settings.publishTimeout().toMillis()));
		KafkaTemplate<String, byte[]> writer = KafkaProducers.template(kafka, "healer-" + name + "-cursor",
				new StringSerializer(), new ByteArraySerializer(), producer);
		Clock clock = Clock.systemUTC();
		SystemLogCursorStore store = new SystemLogCursorStore(writer,
				new TopicPartition(topic.name(), SystemLogLease.CURSOR_PARTITION), cursorKey, settings, mapper, clock);
		return new SystemLogPoller(name, settings, okta,
				(holder) -> new SystemLogLease(leaseConfig, admin, topic, cursorKey, settings.leaseGroup(), holder),
				store, new SystemLogPagePublisher(publisher, settings.publishTimeout()), registry, clock);
	}

	/**
	 * One partition (the lease), compacted (only the last cursor per org matters), with
	 * segments rolled hourly so that compaction keeps what a new leader reads back small.
	 */
	static NewTopic cursorTopic(String name) {
		return TopicBuilder.name(name)
			.partitions(1)
			.compact()
			.config(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()))
			.config(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1")
			.build();
	}

	/**
	 * The lease consumer: a member of the lease group subscribed to the cursor topic.
	 * Cooperative sticky assignment keeps the lease where it is when a replica joins;
	 * nothing is committed.
	 */
	static Map<String, Object> leaseConsumerConfig(KafkaProperties kafka, SystemLogProperties settings, String name) {
		Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
		config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
		config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.leaseGroup());
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "healer-" + name + "-lease");
		config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
		config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		// the lease consumer is polled between pages: a page (fetch, publish, cursor)
		// must fit
		Duration page = settings.pageTimeout().plus(settings.publishTimeout().multipliedBy(2)).plusMinutes(1);
		config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
				(int) Math.max(Duration.ofMinutes(5).toMillis(), Math.min(Integer.MAX_VALUE, page.toMillis())));
		return config;
	}

	/** The org URL without a trailing slash. */
	static String cursorKey(String orgUrl) {
		String key = (orgUrl != null) ? orgUrl.strip() : "";
		return key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
	}

}
