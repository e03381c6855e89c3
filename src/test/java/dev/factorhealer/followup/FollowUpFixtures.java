package dev.factorhealer.followup;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.factorhealer.support.Deliveries;

/** System Log events of healed users, as Okta logs them (see OKTA-FACTS.md). */
final class FollowUpFixtures {

	private FollowUpFixtures() {
	}

	/** Okta's {@code published}: milliseconds, UTC. */
	static Instant oktaTime(Instant instant) {
		return instant.truncatedTo(ChronoUnit.MILLIS);
	}

	/** The stuck-factor failure of the user, published at the given time. */
	static String stuckEvent(String uuid, String userId, Instant published) {
		return Deliveries.stuckSmsEvent(uuid, userId).replace("2026-11-28T09:12:44.123Z", published.toString());
	}

	/**
	 * {@code user.mfa.factor.activate} of the Phone authenticator as Identity Engine logs
	 * it: one event per method ({@code sms} or {@code voice}), the factor named only in
	 * the {@code AuthenticatorEnrollment} target and the debug data.
	 */
	static String activationEvent(String uuid, String userId, String method, Instant published) {
		boolean sms = "sms".equals(method);
		return """
				{"uuid":"%s","published":"%s","eventType":"user.mfa.factor.activate","version":"0",
				 "displayMessage":"User set up factor","severity":"INFO",
				 "actor":{"id":"%s","type":"User","alternateId":"%s@example.com","displayName":"Healed User"},
				 "outcome":{"result":"SUCCESS","reason":null},
				 "target":[{"id":"%s","type":"User","alternateId":"%s@example.com","displayName":"Healed User"},
				  {"id":"paeNew%s","type":"AuthenticatorEnrollment","displayName":"%s",
				   "detailEntry":{"methodTypeUsed":"%s"}}],
				 "debugContext":{"debugData":{"factor":"%s"}}}""".formatted(uuid, published, userId, userId, userId,
				userId, method, sms ? "SMS Authentication" : "Voice Call Authentication", sms ? "SMS" : "Voice call",
				sms ? "SMS_FACTOR" : "CALL_FACTOR");
	}

}
