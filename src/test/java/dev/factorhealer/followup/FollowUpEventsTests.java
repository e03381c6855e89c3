package dev.factorhealer.followup;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The factor of a {@code user.mfa.factor.activate} event is read wherever Okta may put it
 * (OKTA-FACTS.md: none of the places is documented as the one).
 */
class FollowUpEventsTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Instant AT = Instant.parse("2026-12-01T10:00:00.123Z");

	@Test
	void identityEngineSmsActivationIsSmsAndItsVoiceTwinIsNot() {
		assertThat(FollowUpEvents.isSms(json.readTree(FollowUpFixtures.activationEvent("a", "00u1", "sms", AT))))
			.isTrue();
		assertThat(FollowUpEvents.isSms(json.readTree(FollowUpFixtures.activationEvent("b", "00u1", "voice", AT))))
			.isFalse();
	}

	@Test
	void theFactorIsFoundInTheDebugDataOrTheReasonAlone() {
		assertThat(FollowUpEvents.isSms(json.readTree("""
				{"eventType":"user.mfa.factor.activate","outcome":{"result":"SUCCESS"},
				 "debugContext":{"debugData":{"factor":"SMS_FACTOR"}}}"""))).isTrue();
		assertThat(FollowUpEvents.isSms(json.readTree(
				"""
						{"eventType":"user.mfa.factor.activate","outcome":{"result":"SUCCESS","reason":"Factor sms activated"}}""")))
			.isTrue();
		assertThat(FollowUpEvents.isSms(json.readTree("""
				{"eventType":"user.mfa.factor.activate","outcome":{"result":"SUCCESS"},
				 "target":[{"type":"AuthenticatorEnrollment","displayName":"Okta Verify"}],
				 "debugContext":{"debugData":{"factor":"PUSH_FACTOR"}}}"""))).isFalse();
	}

	@Test
	void aUserWithAnUnrelatedSmsInTheirUserTargetIsNotMistakenForAnSmsFactor() {
		// only the enrollment target, the reason and the factor keys are read, not every
		// string
		assertThat(FollowUpEvents.isSms(json.readTree("""
				{"eventType":"user.mfa.factor.activate","outcome":{"result":"SUCCESS"},
				 "target":[{"type":"User","displayName":"Smsithers"},
				  {"type":"AuthenticatorEnrollment","displayName":"Google Authenticator"}],
				 "debugContext":{"debugData":{"requestUri":"/sms/x"}}}"""))).isFalse();
	}

}
