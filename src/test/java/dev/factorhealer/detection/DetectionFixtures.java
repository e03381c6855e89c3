package dev.factorhealer.detection;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/**
 * The detector's built-in rule, for the tests of modules that share it (the follow-up).
 */
public final class DetectionFixtures {

	private DetectionFixtures() {
	}

	/** A matcher of the built-in rule, with the defaults binding gives it. */
	public static StuckFactorMatcher defaultMatcher(JsonMapper mapper) {
		List<DetectionProperties.Rule> rules = List.of(new DetectionProperties.Rule("user-factor-not-found",
				"Resource not found: (?<userId>\\w+) \\(UserFactor\\)",
				List.of("system.sms.*", "user.mfa.*", "user.authentication.*"), List.of("FAILURE"), "sms"));
		return new StuckFactorMatcher(new StuckFactorDetector(rules), EventScreen.of(rules, mapper));
	}

}
