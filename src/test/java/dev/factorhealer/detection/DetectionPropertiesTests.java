package dev.factorhealer.detection;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up: a rule without {@code event-types} and {@code outcome-results} acts on the
 * failures where SMS failures show, and a setting the detector could not apply stops the
 * service with a message naming it.
 */
class DetectionPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class)
		.withPropertyValues("healer.detection.rules[0].name=r", "healer.detection.rules[0].pattern=x");

	@Test
	void aRuleWithoutTypesOrOutcomesTakesTheDefaults() {
		this.runner.run(context -> {
			assertThat(context).hasNotFailed();
			DetectionProperties.Rule rule = context.getBean(DetectionProperties.class).rules().get(0);
			assertThat(rule.eventTypes()).containsExactly("system.sms.*", "user.mfa.*", "user.authentication.*");
			assertThat(rule.outcomeResults()).containsExactly("FAILURE");
			assertThat(rule.factorType()).isEqualTo("sms");
		});
	}

	@Test
	void takesExactTypesPrefixesAndAnyType() {
		this.runner
			.withPropertyValues(
					"healer.detection.rules[0].event-types=user.authentication.auth_via_mfa,system.push.*,*",
					"healer.detection.rules[0].outcome-results=FAILURE,DENY")
			.run(context -> {
				assertThat(context).hasNotFailed();
				DetectionProperties.Rule rule = context.getBean(DetectionProperties.class).rules().get(0);
				assertThat(rule.eventTypes()).containsExactly("user.authentication.auth_via_mfa", "system.push.*", "*");
				assertThat(rule.outcomeResults()).containsExactly("FAILURE", "DENY");
			});
	}

	@Test
	void refusesWhatTheDetectorCouldNotApplyAndNamesTheSetting() {
		for (List<String> bad : List.of(List.of("healer.detection.rules[0].event-types=system.*.send", "eventTypes[0]"),
				List.of("healer.detection.rules[0].event-types=user.mfa.*,sms*", "eventTypes[1]"),
				List.of("healer.detection.rules[0].event-types=", "eventTypes"),
				List.of("healer.detection.rules[0].outcome-results=failure", "outcomeResults[0]"),
				List.of("healer.detection.rules[0].outcome-results=", "outcomeResults"))) {
			this.runner.withPropertyValues(bad.get(0)).run(context -> {
				assertThat(context).as(bad.get(0)).hasFailed();
				assertThat(context.getStartupFailure()).as(bad.get(0))
					.rootCause()
					.hasMessageContaining("healer.detection")
					.hasMessageContaining("rules[0]." + bad.get(1))
					.hasMessageContaining(bad.get(1).startsWith("event") ? "prefixes ending in .*" : "in capitals");
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(DetectionProperties.class)
	static class Settings {

	}

}
