package dev.factorhealer.followup;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The follow-up's settings: documented defaults, and a bad value stops the start naming
 * the setting.
 */
class FollowUpPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Settings.class);

	@Test
	void defaultsFollowSevenDaysAndBrakeAboveHalfOfTenFollowUps() {
		this.runner.run(context -> {
			FollowUpProperties settings = context.getBean(FollowUpProperties.class);
			assertThat(settings.window()).isEqualTo(Duration.ofDays(7));
			assertThat(settings.rateWindow()).isEqualTo(Duration.ofHours(24));
			assertThat(settings.brake()).isEqualTo(new FollowUpProperties.Brake(true, 0.5, 10));
		});
	}

	@Test
	void refusesSettingsOutsideTheirRange() {
		Map<String, String> bad = Map.of("healer.followup.brake.max-repeat-failure-rate=1.5",
				"healer.followup.brake.max-repeat-failure-rate must be above 0 and below 1",
				"healer.followup.brake.max-repeat-failure-rate=0", "above 0 and below 1",
				"healer.followup.brake.min-followups=0", "healer.followup.brake.min-followups must be at least 1",
				"healer.followup.window=0s", "healer.followup.window and healer.followup.rate-window must be between");
		bad.forEach((setting, message) -> this.runner.withPropertyValues(setting)
			.run(context -> assertThat(context.getStartupFailure()).as(setting)
				.rootCause()
				.hasMessageContaining(message)));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(FollowUpProperties.class)
	static class Settings {

	}

}
