package dev.factorhealer.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Okta event hook deliveries built for tests: realistic envelopes around System Log
 * events with fresh uuids, so tests sharing a broker never see each other's events.
 */
public final class Deliveries {

	private Deliveries() {
	}

	/** An event of a user whose SMS challenge failed because the factor is stuck. */
	public static String stuckSmsEvent(String uuid, String userId) {
		return """
				{"uuid":"%s","published":"2026-11-28T09:12:44.123Z","eventType":"user.authentication.auth_via_mfa",
				 "version":"0","displayMessage":"Authentication of user via MFA","severity":"WARN",
				 "actor":{"id":"%s","type":"User","alternateId":"%s@example.com","displayName":"Test User"},
				 "outcome":{"result":"FAILURE","reason":"Not found: Resource not found: %s (UserFactor)"},
				 "target":[{"id":"%s","type":"User","alternateId":"%s@example.com","displayName":"Test User"}],
				 "debugContext":{"debugData":{"factor":"SMS_FACTOR"}},"futureField":{"kept":[1,2.50,true]}}"""
			.formatted(uuid, userId, userId, userId, userId, userId);
	}

	/**
	 * An event of the given type and {@code outcome.result} whose {@code outcome.reason}
	 * shows the stuck-factor error for the user: detection acts on it only when it is a
	 * failure of an SMS-related type.
	 */
	public static String eventWithTheError(String uuid, String userId, String eventType, String result) {
		return """
				{"uuid":"%s","published":"2026-11-28T09:12:44.123Z","eventType":"%s","version":"0",
				 "displayMessage":"Test event","severity":"INFO",
				 "actor":{"id":"%s","type":"User","alternateId":"%s@example.com","displayName":"Test User"},
				 "outcome":{"result":"%s","reason":"Not found: Resource not found: %s (UserFactor)"},
				 "target":[{"id":"%s","type":"User","alternateId":"%s@example.com","displayName":"Test User"}]}"""
			.formatted(uuid, eventType, userId, userId, result, userId, userId, userId);
	}

	/** An unrelated, successful sign-in event. */
	public static String sessionStartEvent(String uuid, String userId) {
		return """
				{"uuid":"%s","published":"2026-11-28T09:12:45.001Z","eventType":"user.session.start","version":"0",
				 "displayMessage":"User login to Okta","severity":"INFO",
				 "actor":{"id":"%s","type":"User","alternateId":"%s@example.com","displayName":"Other User"},
				 "outcome":{"result":"SUCCESS","reason":null},"target":[]}""".formatted(uuid, userId, userId);
	}

	public static byte[] delivery(String deliveryId, List<String> events) {
		String json = """
				{"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","cloudEventsVersion":"0.1",
				 "source":"https://example.okta.com/api/v1/eventHooks/whoTest","eventId":"%s",
				 "eventTime":"2026-11-28T09:12:46.550Z","contentType":"application/json",
				 "data":{"events":[%s]}}""".formatted(deliveryId, String.join(",", events));
		return json.getBytes(StandardCharsets.UTF_8);
	}

	public static String newUuid() {
		return UUID.randomUUID().toString();
	}

	/** A fresh Okta-looking user id ({@code 00u} and 17 more word characters). */
	public static String newUserId() {
		return "00u" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
	}

}
