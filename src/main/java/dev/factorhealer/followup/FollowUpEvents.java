package dev.factorhealer.followup;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

import dev.factorhealer.detection.RawEventBytes;
import dev.factorhealer.detection.StuckFactorMatcher;
import dev.factorhealer.events.EventKeys;

/**
 * What the follow-up looks for in System Log events: a new active SMS factor, or the
 * stuck-factor failure again (the detector's own rules). Okta does not document which
 * field names the factor of a {@code user.mfa.factor.activate} event, so every known
 * place is read: an {@code AuthenticatorEnrollment} target's {@code displayName} and
 * {@code detailEntry} ({@code methodTypeUsed}), {@code outcome.reason} and
 * {@code debugContext.debugData.factor} (e.g. {@code SMS_FACTOR}). Identity Engine logs
 * one activation per method (sms and voice) at the same time; only the sms one counts.
 */
public final class FollowUpEvents {

	/**
	 * Event types the follow-up needs on top of the failures detection already reads: the
	 * hook's subscription and the System Log filter must include them.
	 */
	public static final List<String> TYPES = List.of("user.mfa.factor.activate");

	static final String ACTIVATE = "user.mfa.factor.activate";

	/** What one event says about a user. */
	record Signal(Kind kind, String userId, Instant published, String eventUuid) {

		enum Kind {

			SMS_ACTIVATED, STUCK_AGAIN

		}

	}

	private static final byte[] ACTIVATE_BYTES = RawEventBytes.needle(ACTIVATE);

	private final StuckFactorMatcher stuck;

	FollowUpEvents(StuckFactorMatcher stuck) {
		this.stuck = stuck;
	}

	/**
	 * {@code false} only when {@link #read} can find nothing in the event with this
	 * record value: it is no activation (its bytes cannot hold the type) and no rule can
	 * match it. Decided on the raw bytes, so the many events of other users and types are
	 * never parsed.
	 */
	boolean mayConcern(byte[] rawEvent) {
		if (!RawEventBytes.isPlain(rawEvent)) {
			return true; // an escape could spell either text: read it
		}
		// the plainness scan once, then one search per text
		return RawEventBytes.contains(rawEvent, ACTIVATE_BYTES) || this.stuck.mayMatchPlain(rawEvent);
	}

	Optional<Signal> read(JsonNode event, Instant fallbackTime) {
		String type = text(event.get("eventType"));
		Instant published = published(event, fallbackTime);
		String uuid = text(event.get("uuid"));
		if (ACTIVATE.equals(type)) {
			String userId = EventKeys.userId(event);
			if (userId != null && "SUCCESS".equals(text(event.path("outcome").get("result"))) && isSms(event)) {
				return Optional.of(new Signal(Signal.Kind.SMS_ACTIVATED, userId, published, uuid));
			}
			return Optional.empty();
		}
		return this.stuck.stuckUser(event).map(user -> new Signal(Signal.Kind.STUCK_AGAIN, user, published, uuid));
	}

	static boolean isSms(JsonNode event) {
		List<String> texts = new ArrayList<>();
		JsonNode targets = event.get("target");
		if (targets != null && targets.isArray()) {
			for (JsonNode target : targets) {
				if ("AuthenticatorEnrollment".equals(text(target.get("type")))) {
					texts.add(text(target.get("displayName")));
					JsonNode detail = target.get("detailEntry");
					if (detail != null && detail.isObject()) {
						detail.forEach(value -> texts.add(text(value)));
					}
				}
			}
		}
		texts.add(text(event.path("outcome").get("reason")));
		JsonNode debugData = event.path("debugContext").path("debugData");
		texts.add(text(debugData.get("factor")));
		texts.add(text(debugData.get("factorType")));
		return texts.stream()
			.filter(t -> t != null)
			.map(t -> t.toLowerCase(Locale.ROOT))
			.anyMatch(t -> t.contains("sms"));
	}

	private static Instant published(JsonNode event, Instant fallback) {
		String published = text(event.get("published"));
		if (published != null) {
			try {
				return OffsetDateTime.parse(published).toInstant();
			}
			catch (DateTimeParseException ex) {
				// fall back to the record's time
			}
		}
		return fallback;
	}

	private static String text(JsonNode node) {
		return node != null && node.isString() ? node.asString() : null;
	}

}
