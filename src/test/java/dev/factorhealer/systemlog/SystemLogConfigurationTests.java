package dev.factorhealer.systemlog;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.okta.OktaClientProperties;
import dev.factorhealer.okta.OktaException;
import dev.factorhealer.okta.OktaSystemLog;
import dev.factorhealer.support.DefaultTopicNames;
import dev.factorhealer.system.TopicNames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up: the settings are validated and a bad one stops the service with a message
 * naming it; the poller starts only once the application is ready, never blocks it, and
 * stops with it even when neither Kafka nor Okta answers.
 */
class SystemLogConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(SystemLogConfiguration.class, Settings.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(JsonMapper.class, () -> JsonMapper.builder().build())
		.withBean(KafkaProperties.class, SystemLogConfigurationTests::unreachableKafka)
		.withBean(KafkaAdmin.class, () -> {
			KafkaAdmin admin = new KafkaAdmin(Map.of("bootstrap.servers", "127.0.0.1:1"));
			admin.setOperationTimeout(1);
			admin.setAutoCreate(false);
			return admin;
		})
		.withBean(OktaSystemLog.class, () -> (next, since, filter, limit, deadline) -> {
			throw new OktaException.Unavailable("Okta is down", 0, null, null, 1, null);
		})
		.withBean(OktaEventPublisher.class, () -> (deliveryId, source, events, deadline) -> {
		})
		.withBean(TopicNames.class, DefaultTopicNames::get)
		.withPropertyValues("okta.client.org-url=https://example.okta.com/", "okta.client.token=test-token");

	@Test
	void defaultsPollFailuresOfTheStuckFactorsEventTypesOnTheirOwnSmallBudget() {
		this.runner.run(context -> {
			assertThat(context).hasNotFailed();
			SystemLogProperties settings = context.getBean(SystemLogProperties.class);
			assertThat(settings).isEqualTo(new SystemLogProperties(true, SystemLogProperties.DEFAULT_FILTER, 100,
					Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofMinutes(2), Duration.ofSeconds(10),
					"healer-systemlog-lease"));
			assertThat(settings.filter()).isEqualTo("(outcome.result eq \"FAILURE\" and (eventType eq "
					+ "\"system.sms.send_factor_verify_message\" or eventType eq \"user.authentication.auth_via_mfa\"))"
					+ " or (eventType eq \"user.mfa.factor.activate\" and outcome.result eq \"SUCCESS\")");
			NewTopic topic = context.getBean(NewTopic.class);
			assertThat(topic.name()).isEqualTo("okta.systemlog.cursor");
			assertThat(topic.numPartitions()).isEqualTo(1);
			assertThat(topic.configs()).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG,
					TopicConfig.CLEANUP_POLICY_COMPACT);
			assertThat(context.getBean(SystemLogPoller.class).isRunning()).as("not before the application is ready")
				.isFalse();
		});
	}

	@Test
	void refusesSettingsOutsideTheirRange() {
		Map<String, String> bad = Map.of("healer.systemlog.limit=0", "between 1 and 1000",
				"healer.systemlog.limit=1001", "between 1 and 1000", "healer.systemlog.look-back=91d",
				"at most 90 days", "healer.systemlog.interval=0s", "positive durations", "healer.systemlog.filter= ",
				"must not be blank");
		bad.forEach((setting, message) -> this.runner.withPropertyValues(setting)
			.run(context -> assertThat(context.getStartupFailure()).as(setting)
				.rootCause()
				.hasMessageContaining(message)));
	}

	@Test
	void startsOnceReadyAndStopsWithTheApplicationThoughNeitherKafkaNorOktaAnswers() {
		this.runner.withPropertyValues("healer.systemlog.interval=200ms").run(context -> {
			SystemLogPoller poller = context.getBean(SystemLogPoller.class);
			ready(context);
			assertThat(poller.isRunning()).isTrue();
			assertThat(poller.isLeading()).isFalse();
			assertThat(poller.lagSeconds()).isNaN();

			long started = System.nanoTime();
			context.close();

			assertThat(poller.isRunning()).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		});
	}

	@Test
	void staysOffWhenDisabled() {
		this.runner.withPropertyValues("healer.systemlog.enabled=false").run(context -> {
			ready(context);
			assertThat(context.getBean(SystemLogPoller.class).isRunning()).isFalse();
		});
	}

	@Test
	void keysTheCursorByTheOrgUrlWithoutItsTrailingSlash() {
		assertThat(SystemLogConfiguration.cursorKey("https://example.okta.com/")).isEqualTo("https://example.okta.com");
		assertThat(SystemLogConfiguration.cursorKey(" https://example.okta.com "))
			.isEqualTo("https://example.okta.com");
	}

	private static void ready(AssertableApplicationContext context) {
		ConfigurableApplicationContext source = context.getSourceApplicationContext();
		source.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0], source, Duration.ZERO));
	}

	private static KafkaProperties unreachableKafka() {
		KafkaProperties kafka = new KafkaProperties();
		kafka.setBootstrapServers(List.of("127.0.0.1:1"));
		return kafka;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ SystemLogProperties.class, OktaClientProperties.class })
	static class Settings {

	}

}
