package dev.factorhealer.detection;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.detection.StuckFactorDetector.Match;

import static org.assertj.core.api.Assertions.assertThat;

class StuckFactorDetectorTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final DetectionProperties.Rule DEFAULT_RULE = new DetectionProperties.Rule("user-factor-not-found",
			"Resource not found: (?<userId>\\w+) \\(UserFactor\\)", List.of(), List.of(), "sms");

	private final StuckFactorDetector detector = new StuckFactorDetector(List.of(DEFAULT_RULE));

	@Test
	void findsTheErrorInTheOutcomeReasonAndTakesTheUserFromTheText() {
		Match match = this.detector.inspect(json.readTree("""
				{"uuid":"u1","eventType":"user.authentication.auth_via_mfa",
				 "outcome":{"result":"FAILURE","reason":"Not found: Resource not found: 00uTEXT (UserFactor)"},
				 "target":[{"id":"00uTARGET","type":"User"}]}""")).orElseThrow();

		assertThat(match.userId()).isEqualTo("00uTEXT");
		assertThat(match.rule()).isEqualTo("user-factor-not-found");
		assertThat(match.factorType()).isEqualTo("sms");
	}

	@Test
	void findsTheErrorInDisplayMessageAndNestedDebugData() {
		assertThat(this.detector.inspect(json.readTree("""
				{"uuid":"u2","eventType":"x","displayMessage":"Resource not found: 00uDISPLAY (UserFactor)"}""")))
			.map(Match::userId)
			.contains("00uDISPLAY");
		assertThat(this.detector.inspect(json.readTree("""
				{"uuid":"u3","eventType":"x","debugContext":{"debugData":{"a":1,"b":{"c":["ok","Resource not found: 00uDEBUG (UserFactor)"]}}}}""")))
			.map(Match::userId)
			.contains("00uDEBUG");
	}

	@Test
	void fallsBackToTheUserTargetThenTheUserActorWhenTheTextHasNoId() {
		StuckFactorDetector noGroup = new StuckFactorDetector(List.of(new DetectionProperties.Rule("r",
				"Resource not found: \\w+ \\(UserFactor\\)", List.of(), List.of(), "sms")));

		assertThat(noGroup.inspect(json.readTree("""
				{"uuid":"u4","eventType":"x","outcome":{"reason":"Resource not found: zzz (UserFactor)"},
				 "actor":{"id":"00uACTOR","type":"User"},
				 "target":[{"id":"app1","type":"AppInstance"},{"id":"00uTARGET","type":"User"}]}""")))
			.map(Match::userId)
			.contains("00uTARGET");
		assertThat(noGroup.inspect(json.readTree("""
				{"uuid":"u5","eventType":"x","outcome":{"reason":"Resource not found: zzz (UserFactor)"},
				 "actor":{"id":"00uACTOR","type":"User"}}""")))
			.map(Match::userId)
			.contains("00uACTOR");
	}

	@Test
	void ignoresEventsWithoutThePatternOrWithOtherResources() {
		assertThat(this.detector.inspect(json.readTree("""
				{"uuid":"u6","eventType":"user.session.start","outcome":{"result":"SUCCESS","reason":null}}""")))
			.isEmpty();
		assertThat(this.detector.inspect(json.readTree("""
				{"uuid":"u7","eventType":"x","outcome":{"reason":"Not found: Resource not found: 00uX (User)"}}""")))
			.isEmpty();
		assertThat(this.detector.inspect(json.readTree("""
				{"uuid":"u8","eventType":"x","outcome":"weird","debugContext":{"debugData":"not a map"}}""")))
			.isEmpty();
	}

	@Test
	void appliesTheEventTypeAndOutcomeFilters() {
		StuckFactorDetector filtered = new StuckFactorDetector(List.of(new DetectionProperties.Rule("mfa",
				DEFAULT_RULE.pattern(), List.of("user.authentication.auth_via_mfa"), List.of("FAILURE"), "sms")));
		String reason = "\"reason\":\"Resource not found: 00uF (UserFactor)\"";

		assertThat(filtered.inspect(json.readTree("{\"uuid\":\"a\",\"eventType\":\"user.authentication.auth_via_mfa\",\"outcome\":{\"result\":\"FAILURE\"," + reason + "}}"))).isPresent();
		assertThat(filtered.inspect(json.readTree("{\"uuid\":\"b\",\"eventType\":\"other\",\"outcome\":{\"result\":\"FAILURE\"," + reason + "}}"))).isEmpty();
		assertThat(filtered.inspect(json.readTree("{\"uuid\":\"c\",\"eventType\":\"user.authentication.auth_via_mfa\",\"outcome\":{\"result\":\"SUCCESS\"," + reason + "}}"))).isEmpty();
	}

}
