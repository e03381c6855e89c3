package dev.factorhealer.detection;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.factorhealer.detection.StuckFactorDetector.Finding;
import dev.factorhealer.detection.StuckFactorDetector.Ignored;
import dev.factorhealer.detection.StuckFactorDetector.Match;

import static org.assertj.core.api.Assertions.assertThat;

class StuckFactorDetectorTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String PATTERN = "Resource not found: (?<userId>\\w+) \\(UserFactor\\)";

	/**
	 * The built-in rule with the defaults binding gives it (see
	 * DetectionPropertiesTests).
	 */
	private static final DetectionProperties.Rule DEFAULT_RULE = rule("user-factor-not-found", PATTERN,
			List.of("system.sms.*", "user.mfa.*", "user.authentication.*"), List.of("FAILURE"));

	private final StuckFactorDetector detector = new StuckFactorDetector(List.of(DEFAULT_RULE));

	/**
	 * Event type x outcome x where the text sits: only a FAILURE of an SMS-related type
	 * asks for a remediation; the pattern anywhere else is counted as ignored, with the
	 * first reason that applies (type before outcome); no pattern, nothing.
	 */
	@ParameterizedTest(name = "{0} {1}, text in {2}: {3}")
	@CsvSource(nullValues = "-", textBlock = """
			user.authentication.auth_via_mfa,       FAILURE, reason,  match
			user.authentication.auth_via_mfa,       FAILURE, display, match
			user.authentication.auth_via_mfa,       FAILURE, debug,   match
			system.sms.send_factor_verify_message,  FAILURE, reason,  match
			system.sms.send_factor_verify_message,  FAILURE, debug,   match
			user.mfa.factor.activate,               FAILURE, display, match
			user.authentication.sso,                FAILURE, reason,  match
			user.authentication.auth_via_mfa,       SUCCESS, reason,  outcome
			user.authentication.auth_via_mfa,       SUCCESS, debug,   outcome
			system.sms.send_factor_verify_message,  SKIPPED, display, outcome
			user.mfa.factor.activate,               -,       reason,  outcome
			user.session.start,                     FAILURE, reason,  event_type
			user.session.start,                     SUCCESS, display, event_type
			policy.evaluate_sign_on,                FAILURE, debug,   event_type
			system.smsx.send,                       FAILURE, reason,  event_type
			system.sms,                             FAILURE, reason,  event_type
			user.mfa,                               FAILURE, reason,  event_type
			-,                                      FAILURE, reason,  event_type
			user.authentication.auth_via_mfa,       FAILURE, nowhere, none
			user.session.start,                     SUCCESS, nowhere, none
			user.authentication.auth_via_mfa,       SUCCESS, nowhere, none
			""")
	void decidesByEventTypeOutcomeAndText(String eventType, String result, String where, String expected) {
		ObjectNode event = json.createObjectNode().put("uuid", "e1");
		if (eventType != null) {
			event.put("eventType", eventType);
		}
		ObjectNode outcome = event.putObject("outcome");
		if (result != null) {
			outcome.put("result", result);
		}
		String text = "Not found: Resource not found: 00uTABLE (UserFactor)";
		switch (where) {
			case "reason" -> outcome.put("reason", text);
			case "display" -> event.put("displayMessage", text);
			case "debug" ->
				event.putObject("debugContext").putObject("debugData").putArray("errors").add("ok").add(text);
			default -> event.put("displayMessage", "Authentication of user via MFA");
		}

		Optional<Finding> finding = this.detector.inspect(event);

		switch (expected) {
			case "match" -> assertThat(finding).get()
				.isEqualTo(new Match("user-factor-not-found", "00uTABLE", "sms",
						"Resource not found: 00uTABLE (UserFactor)"));
			case "none" -> assertThat(finding).isEmpty();
			default -> assertThat(finding).get()
				.isEqualTo(new Ignored("user-factor-not-found",
						expected.equals("outcome") ? IgnoredReason.OUTCOME : IgnoredReason.EVENT_TYPE));
		}
	}

	@Test
	void findsTheErrorInTheOutcomeReasonAndTakesTheUserFromTheText() {
		Match match = match(this.detector, """
				{"uuid":"u1","eventType":"user.authentication.auth_via_mfa",
				 "outcome":{"result":"FAILURE","reason":"Not found: Resource not found: 00uTEXT (UserFactor)"},
				 "target":[{"id":"00uTARGET","type":"User"}]}""").orElseThrow();

		assertThat(match.userId()).isEqualTo("00uTEXT");
		assertThat(match.rule()).isEqualTo("user-factor-not-found");
		assertThat(match.factorType()).isEqualTo("sms");
	}

	@Test
	void findsTheErrorInDisplayMessageAndNestedDebugData() {
		assertThat(match(this.detector, """
				{"uuid":"u2","eventType":"user.mfa.x","outcome":{"result":"FAILURE"},
				 "displayMessage":"Resource not found: 00uDISPLAY (UserFactor)"}""")).map(Match::userId)
			.contains("00uDISPLAY");
		assertThat(match(this.detector, """
				{"uuid":"u3","eventType":"user.mfa.x","outcome":{"result":"FAILURE"},
				 "debugContext":{"debugData":{"a":1,"b":{"c":["ok","Resource not found: 00uDEBUG (UserFactor)"]}}}}"""))
			.map(Match::userId)
			.contains("00uDEBUG");
	}

	@Test
	void fallsBackToTheUserTargetThenTheUserActorWhenTheTextHasNoId() {
		StuckFactorDetector noGroup = new StuckFactorDetector(
				List.of(rule("r", "Resource not found: \\w+ \\(UserFactor\\)", DEFAULT_RULE.eventTypes(),
						DEFAULT_RULE.outcomeResults())));

		assertThat(match(noGroup,
				"""
						{"uuid":"u4","eventType":"user.mfa.x","outcome":{"result":"FAILURE","reason":"Resource not found: zzz (UserFactor)"},
						 "actor":{"id":"00uACTOR","type":"User"},
						 "target":[{"id":"app1","type":"AppInstance"},{"id":"00uTARGET","type":"User"}]}"""))
			.map(Match::userId)
			.contains("00uTARGET");
		assertThat(match(noGroup,
				"""
						{"uuid":"u5","eventType":"user.mfa.x","outcome":{"result":"FAILURE","reason":"Resource not found: zzz (UserFactor)"},
						 "actor":{"id":"00uACTOR","type":"User"}}"""))
			.map(Match::userId)
			.contains("00uACTOR");
	}

	@Test
	void ignoresEventsWithoutThePatternOrWithOtherResources() {
		assertThat(this.detector.inspect(json.readTree("""
				{"uuid":"u6","eventType":"user.session.start","outcome":{"result":"SUCCESS","reason":null}}""")))
			.isEmpty();
		assertThat(this.detector.inspect(json.readTree(
				"""
						{"uuid":"u7","eventType":"user.mfa.x","outcome":{"result":"FAILURE","reason":"Not found: Resource not found: 00uX (User)"}}""")))
			.isEmpty();
		assertThat(this.detector.inspect(json.readTree("""
				{"uuid":"u8","eventType":"user.mfa.x","outcome":"weird","debugContext":{"debugData":"not a map"}}""")))
			.isEmpty();
	}

	@Test
	void takesExactTypesPrefixesAndAnyTypeAndTheConfiguredOutcomes() {
		StuckFactorDetector exact = new StuckFactorDetector(List.of(rule("mfa", PATTERN,
				List.of("user.authentication.auth_via_mfa", "system.push.*"), List.of("FAILURE", "DENY"))));
		StuckFactorDetector any = new StuckFactorDetector(
				List.of(rule("any", PATTERN, List.of("*"), List.of("FAILURE"))));

		assertThat(exact.inspect(event("user.authentication.auth_via_mfa", "FAILURE"))).get().isInstanceOf(Match.class);
		assertThat(exact.inspect(event("system.push.send", "DENY"))).get().isInstanceOf(Match.class);
		assertThat(exact.inspect(event("user.authentication.sso", "FAILURE")))
			.contains(new Ignored("mfa", IgnoredReason.EVENT_TYPE));
		assertThat(exact.inspect(event("system.push.send", "SUCCESS")))
			.contains(new Ignored("mfa", IgnoredReason.OUTCOME));
		assertThat(any.inspect(event("user.session.start", "FAILURE"))).get().isInstanceOf(Match.class);
		assertThat(any.inspect(event("user.session.start", "SUCCESS")))
			.contains(new Ignored("any", IgnoredReason.OUTCOME));
	}

	@Test
	void aRuleThatActsOnTheEventWinsOverOneThatIgnoresIt() {
		StuckFactorDetector two = new StuckFactorDetector(
				List.of(rule("sms-only", PATTERN, List.of("system.sms.*"), List.of("FAILURE")), DEFAULT_RULE));

		assertThat(two.inspect(event("user.authentication.auth_via_mfa", "FAILURE"))).get()
			.extracting(f -> ((Match) f).rule())
			.isEqualTo("user-factor-not-found");
		assertThat(two.inspect(event("user.session.start", "FAILURE")))
			.contains(new Ignored("sms-only", IgnoredReason.EVENT_TYPE));
	}

	private static JsonNode event(String eventType, String result) {
		return json.createObjectNode()
			.put("uuid", "e")
			.put("eventType", eventType)
			.set("outcome",
					json.createObjectNode()
						.put("result", result)
						.put("reason", "Not found: Resource not found: 00uRULE (UserFactor)"));
	}

	private static Optional<Match> match(StuckFactorDetector detector, String event) {
		return detector.inspect(json.readTree(event)).map(Match.class::cast);
	}

	private static DetectionProperties.Rule rule(String name, String pattern, List<String> eventTypes,
			List<String> outcomeResults) {
		return new DetectionProperties.Rule(name, pattern, eventTypes, outcomeResults, "sms");
	}

}
