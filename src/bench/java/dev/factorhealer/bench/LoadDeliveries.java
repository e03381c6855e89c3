package dev.factorhealer.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Okta event hook deliveries for the load generator: 10 realistic System Log events each (about
 * 900 bytes per event, 9.2 KB per delivery), every event with a uuid of its own. A uuid encodes
 * its sequence number ({@code delivery * 10 + index}) under a per-run prefix, so the audit can
 * tell, from the {@code okta-event-uuid} header alone, which delivery an event on the topic came
 * with. Most events are {@code user.session.start}; one delivery in {@link #STUCK_EVERY} carries a
 * stuck-SMS event of one of a few users instead.
 */
final class LoadDeliveries {

	static final int EVENTS_PER_DELIVERY = 10;

	static final int STUCK_EVERY = 50;

	private static final long SEQUENCE_MASK = 0x0000_FFFF_FFFF_FFFFL;

	private static final String SESSION_START = """
			{"actor":{"id":"%1$s","type":"User","alternateId":"%1$s@example.com","displayName":"Sam Carter"},\
			"client":{"userAgent":{"rawUserAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0","os":"Windows 10",\
			"browser":"CHROME"},"device":"Computer","ipAddress":"198.51.100.23","geographicalContext":{"city":"Lisbon",\
			"country":"Portugal","geolocation":{"lat":38.7223,"lon":-9.1393}}},\
			"displayMessage":"User login to Okta","eventType":"user.session.start","outcome":{"result":"SUCCESS","reason":null},\
			"published":"%2$s","severity":"INFO",\
			"debugContext":{"debugData":{"requestId":"Z0f1a2b3c4d5e6f7g8h9i0","requestUri":"/idp/idx/identify"}},\
			"legacyEventType":"core.user_auth.login_success","transaction":{"type":"WEB","id":"Z0f1a2b3c4d5e6f7g8h9i0"},\
			"uuid":"%3$s","version":"0","target":[]}""";

	private static final String STUCK_SMS = """
			{"actor":{"id":"%1$s","type":"User","alternateId":"%1$s@example.com","displayName":"Ana Silva"},\
			"client":{"userAgent":{"rawUserAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6) Safari/604.1","os":"iOS","browser":"SAFARI"},\
			"device":"Mobile","ipAddress":"198.51.100.77","geographicalContext":{"city":"Porto","country":"Portugal"}},\
			"displayMessage":"Authentication of user via MFA","eventType":"user.authentication.auth_via_mfa",\
			"outcome":{"result":"FAILURE","reason":"Not found: Resource not found: %1$s (UserFactor)"},\
			"published":"%2$s","severity":"WARN","debugContext":{"debugData":{"requestId":"Y9e8d7c6b5a4f3e2d1c0b9",\
			"requestUri":"/api/v1/authn/factors/verify","factor":"SMS_FACTOR"}},"legacyEventType":"core.user.factor.attempt_fail",\
			"uuid":"%3$s","version":"0","target":[{"id":"%1$s","type":"User","alternateId":"%1$s@example.com","displayName":"Ana Silva"}]}""";

	private static final String ENVELOPE_HEAD = """
			{"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","cloudEventsVersion":"0.1",\
			"source":"https://example.okta.com/api/v1/eventHooks/who8benchmark0000001","eventId":"%s",\
			"eventTime":"2026-11-28T09:12:46.550Z","contentType":"application/json","data":{"events":[""";

	private static final Template SESSION_START_TEMPLATE = new Template(SESSION_START);

	private static final Template STUCK_SMS_TEMPLATE = new Template(STUCK_SMS);

	private static final Template ENVELOPE_TEMPLATE = new Template(ENVELOPE_HEAD.replace("%s", "%1$s"));

	private final long eventPrefix;

	private final long deliveryPrefix;

	private final List<String> users;

	private final List<String> stuckUsers;

	private final AtomicLong nextDelivery = new AtomicLong();

	LoadDeliveries(List<String> users, List<String> stuckUsers) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		this.eventPrefix = (random.nextLong() & ~0xF000L) | 0x4000L;
		this.deliveryPrefix = (random.nextLong() & ~0xF000L) | 0x4000L;
		this.users = List.copyOf(users);
		this.stuckUsers = List.copyOf(stuckUsers);
	}

	/** A fresh user id pool of Okta-looking ids ({@code 00u} and 17 more characters). */
	static List<String> userIds(int count) {
		List<String> ids = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			ids.add("00u" + UUID.randomUUID().toString().replace("-", "").substring(0, 17));
		}
		return ids;
	}

	/** Claims the next delivery sequence number. */
	long next() {
		return this.nextDelivery.getAndIncrement();
	}

	long issued() {
		return this.nextDelivery.get();
	}

	byte[] body(long delivery) {
		StringBuilder json = new StringBuilder(9600);
		ENVELOPE_TEMPLATE.appendTo(json, uuid(this.deliveryPrefix, delivery), null, null);
		String published = "2026-11-28T09:12:45.001Z";
		for (int i = 0; i < EVENTS_PER_DELIVERY; i++) {
			long event = delivery * EVENTS_PER_DELIVERY + i;
			if (i > 0) {
				json.append(',');
			}
			if (i == 0 && delivery % STUCK_EVERY == 0 && !this.stuckUsers.isEmpty()) {
				String user = this.stuckUsers.get((int) ((delivery / STUCK_EVERY) % this.stuckUsers.size()));
				STUCK_SMS_TEMPLATE.appendTo(json, user, published, uuid(this.eventPrefix, event));
			}
			else {
				String user = this.users.get((int) Math.floorMod(event * 0x9E3779B97F4A7C15L, this.users.size()));
				SESSION_START_TEMPLATE.appendTo(json, user, published, uuid(this.eventPrefix, event));
			}
		}
		json.append("]}}");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

	/** The event sequence number of an {@code okta-event-uuid} of this run, or -1 for any other uuid. */
	long eventSequence(String uuid) {
		try {
			UUID parsed = UUID.fromString(uuid);
			return parsed.getMostSignificantBits() == this.eventPrefix ? parsed.getLeastSignificantBits() & SEQUENCE_MASK
					: -1;
		}
		catch (IllegalArgumentException ex) {
			return -1;
		}
	}

	private static String uuid(long prefix, long sequence) {
		return new UUID(prefix, 0x8000_0000_0000_0000L | (sequence & SEQUENCE_MASK)).toString();
	}

	/** A text with {@code %1$s}, {@code %2$s}, {@code %3$s} slots, filled without {@link java.util.Formatter}. */
	private static final class Template {

		private final List<String> parts = new ArrayList<>();

		private final List<Integer> slots = new ArrayList<>();

		Template(String text) {
			int from = 0;
			while (true) {
				int at = text.indexOf('%', from);
				if (at < 0) {
					break;
				}
				this.parts.add(text.substring(from, at));
				this.slots.add(text.charAt(at + 1) - '1');
				from = at + 4;
			}
			this.parts.add(text.substring(from));
		}

		void appendTo(StringBuilder out, String first, String second, String third) {
			for (int i = 0; i < this.slots.size(); i++) {
				out.append(this.parts.get(i));
				int slot = this.slots.get(i);
				out.append(slot == 0 ? first : slot == 1 ? second : third);
			}
			out.append(this.parts.get(this.parts.size() - 1));
		}

	}

}
