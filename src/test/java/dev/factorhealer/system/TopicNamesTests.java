package dev.factorhealer.system;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.env.StandardEnvironment;

import dev.factorhealer.support.DefaultTopicNames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every topic name has one home, {@code healer.topics.names.*} in
 * {@code application.yml}: the stream bindings take their destinations and stuck topics
 * from it, so renaming a topic there renames it for every module.
 */
class TopicNamesTests {

	@Test
	void theBuiltInNamesAreTheDocumentedTopics() {
		TopicNames names = DefaultTopicNames.get();

		assertThat(List.of(names.events(), names.requests(), names.results(), names.deletions(), names.mode(),
				names.brake(), names.followups(), names.followupState(), names.systemlogCursor(), names.eventsStuck(),
				names.requestsStuck(), names.parked(), names.replayLedger()))
			.containsExactly("okta.events", "okta.remediation.requests", "okta.remediation.results",
					"okta.remediation.deletions", "okta.remediation.mode", "okta.remediation.brake",
					"okta.remediation.followups", "okta.remediation.followup.state", "okta.systemlog.cursor",
					"okta.events.dlq", "okta.remediation.requests.dlq", "okta.remediation.parked",
					"okta.replay.ledger");
	}

	@Test
	void theStreamBindingsFollowARenamedTopic() {
		StandardEnvironment environment = DefaultTopicNames.environment(Map.of("healer.topics.names.events",
				"acme.okta.events", "healer.topics.names.requests", "acme.requests", "healer.topics.names.events-stuck",
				"acme.events.stuck", "healer.topics.names.requests-stuck", "acme.requests.stuck"));

		assertThat(environment.getProperty("spring.cloud.stream.bindings.detect-in-0.destination"))
			.isEqualTo("acme.okta.events");
		assertThat(environment.getProperty("spring.cloud.stream.bindings.detect-out-0.destination"))
			.isEqualTo("acme.requests");
		assertThat(environment.getProperty("spring.cloud.stream.bindings.remediate-in-0.destination"))
			.isEqualTo("acme.requests");
		assertThat(environment.getProperty("spring.cloud.stream.kafka.bindings.detect-in-0.consumer.dlq-name"))
			.isEqualTo("acme.events.stuck");
		assertThat(environment.getProperty("spring.cloud.stream.kafka.bindings.remediate-in-0.consumer.dlq-name"))
			.isEqualTo("acme.requests.stuck");
		assertThat(DefaultTopicNames.of(environment).events()).isEqualTo("acme.okta.events");
	}

}
