package dev.factorhealer.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topics are created with the replication factor, {@code min.insync.replicas} and
 * retention of {@code healer.topics.*}: production defaults of 3 / 2 / 30 days for what
 * must not be lost unseen, and the single-broker values the tests set.
 */
class TopicSettingsIntegrationTests extends IntegrationTestSupport {

	private static final long DAY = Duration.ofDays(1).toMillis();

	@Test
	void productionDefaultsAreThreeCopiesTwoInSyncAndThirtyDaysForStuckAndResults() {
		TopicFactory topics = new TopicFactory(new Binder(new MapConfigurationPropertySource(Map.of()))
			.bindOrCreate("healer.topics", TopicProperties.class));

		for (NewTopic topic : List.of(topics.stuck("okta.remediation.requests.dlq", 3),
				topics.stuck("okta.remediation.parked", 3), topics.results("okta.remediation.results", 3))) {
			assertThat(topic.replicationFactor()).as(topic.name()).isEqualTo((short) 3);
			assertThat(topic.configs()).as(topic.name())
				.containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")
				.containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(30 * DAY));
		}
		assertThat(topics.pipeline("okta.events", 6).configs()).containsEntry(TopicConfig.RETENTION_MS_CONFIG,
				Long.toString(7 * DAY));
		assertThat(topics.ledger("okta.replay.ledger", 1).configs())
			.containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete")
			.containsEntry(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(DAY));
		assertThat(topics.state("okta.remediation.mode", 1).configs())
			.containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")
			.doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
	}

	@Test
	void theServiceCreatedItsTopicsWithTheseSettings() throws Exception {
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers()))) {
			Map<ConfigResource, Config> configs = admin
				.describeConfigs(List.of(topic("okta.remediation.parked"), topic("okta.remediation.results"),
						topic("okta.replay.ledger"), topic("okta.remediation.mode")))
				.all()
				.get();
			assertThat(value(configs, "okta.remediation.parked", TopicConfig.RETENTION_MS_CONFIG))
				.isEqualTo(Long.toString(30 * DAY));
			assertThat(value(configs, "okta.remediation.results", TopicConfig.RETENTION_MS_CONFIG))
				.isEqualTo(Long.toString(30 * DAY));
			assertThat(value(configs, "okta.remediation.parked", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG))
				.isEqualTo("1");
			assertThat(value(configs, "okta.replay.ledger", TopicConfig.CLEANUP_POLICY_CONFIG))
				.isEqualTo("compact,delete");
			assertThat(value(configs, "okta.remediation.mode", TopicConfig.CLEANUP_POLICY_CONFIG)).isEqualTo("compact");
			assertThat(admin.describeTopics(List.of("okta.remediation.mode"))
				.allTopicNames()
				.get()
				.get("okta.remediation.mode")
				.partitions()).hasSize(1);
		}
	}

	private static ConfigResource topic(String name) {
		return new ConfigResource(ConfigResource.Type.TOPIC, name);
	}

	private static String value(Map<ConfigResource, Config> configs, String topic, String key) {
		return configs.get(topic(topic)).get(key).value();
	}

}
