package dev.factorhealer.followup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.detection.DetectionFixtures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The follow-up parses only the events whose raw bytes may concern it (an activation, or
 * the stuck-factor error), and passing over the others never changes what it reads.
 */
class FollowUpEventsScreenTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Instant AT = Instant.parse("2026-12-01T10:00:00.123Z");

	private final FollowUpEvents events = new FollowUpEvents(DetectionFixtures.defaultMatcher(json));

	@Test
	void passesOverEventsOfOtherTypesWithoutTheError() {
		assertThat(this.events.mayConcern(bytes("""
				{"uuid":"e1","eventType":"user.session.start","outcome":{"result":"SUCCESS","reason":null},
				 "displayMessage":"User login to Okta","actor":{"id":"00uLI","type":"User"}}"""))).isFalse();
		assertThat(this.events.mayConcern(bytes("""
				{"uuid":"e2","eventType":"user.authentication.auth_via_mfa","outcome":{"result":"FAILURE",
				 "reason":"INVALID_CREDENTIALS"},"actor":{"id":"00uLI","type":"User"}}"""))).isFalse();
	}

	@Test
	void readsActivationsAndTheErrorAgainHoweverTheyAreWritten() {
		assertThat(this.events.mayConcern(bytes(FollowUpFixtures.activationEvent("a", "00u1", "sms", AT)))).isTrue();
		assertThat(this.events.mayConcern(bytes(FollowUpFixtures.stuckEvent("s", "00u1", AT)))).isTrue();
		assertThat(this.events.mayConcern(bytes(FollowUpFixtures.activationEvent("a", "00u1", "sms", AT)
			.replace("user.mfa.factor.activate", "user.mfa.factor.\\u0061ctivate")))).isTrue();
		assertThat(this.events.mayConcern(bytes(FollowUpFixtures.stuckEvent("s", "00u1", AT)
			.replace("Resource not found", "Resource not \\u0066ound")))).isTrue();
	}

	/** Whatever is passed over would have given nothing when read in full. */
	@Property(tries = 2000)
	void whatIsPassedOverGivesNothing(@ForAll("rawEvents") String event) {
		byte[] raw = bytes(event);
		JsonNode tree = json.readTree(raw);
		boolean passedOver = !this.events.mayConcern(raw);
		Statistics.collect(passedOver ? "passed over" : "read",
				this.events.read(tree, AT).isPresent() ? "signal" : "nothing");
		if (passedOver) {
			assertThat(this.events.read(tree, AT)).isEmpty();
		}
	}

	@Provide
	Arbitrary<String> rawEvents() {
		Arbitrary<String> types = Arbitraries.of("user.mfa.factor.activate", "user.mfa.factor.\\u0061ctivate",
				"user.authentication.auth_via_mfa", "user.session.start", "system.sms.send_factor_verify_message");
		Arbitrary<String> results = Arbitraries.of("SUCCESS", "FAILURE", "\\u0046AILURE", "\\u0053UCCESS");
		Arbitrary<String> reasons = Arbitraries.of("Not found: Resource not found: 00uA1 (UserFactor)",
				"Not found: Resource not \\u0066ound: 00uA1 (UserFactor)", "INVALID_CREDENTIALS", "SMS", "sms factor");
		Arbitrary<String> targets = Arbitraries.of("", ",\"target\":[{\"id\":\"00uT\",\"type\":\"User\"},"
				+ "{\"id\":\"pae1\",\"type\":\"AuthenticatorEnrollment\",\"displayName\":\"SMS Authentication\"}]",
				",\"actor\":{\"id\":\"00uA\",\"type\":\"User\"}");
		return Combinators.combine(types, results, reasons, targets).as((type, result, reason, target) -> """
				{"uuid":"e1","published":"2026-12-01T11:00:00Z","eventType":"%s",
				 "outcome":{"result":"%s","reason":"%s"}%s}""".formatted(type, result, reason, target));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
