package dev.factorhealer.detection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path (screen first, tree only for candidates) and the full path (a tree for
 * every event) give the same answer on generated events: the same request (or none), the
 * same stuck record (exception and reason), the same counters. Events vary in type,
 * outcome, where and how the error text is written (JSON escapes such as
 * {@code \u0046AILURE}, overlong UTF-8, other encodings), field order, whitespace,
 * nesting, extra and huge fields, and broken records.
 */
class DetectionFastPathTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

	private static final PlainEventCheck PLAIN = new PlainEventCheck(json);

	private static final String PATTERN = "Resource not found: (?<userId>\\w+) \\(UserFactor\\)";

	private static final List<String> DEFAULT_TYPES = List.of("system.sms.*", "user.mfa.*", "user.authentication.*");

	/** The built-in rule and rule sets a deployment might configure instead. */
	private static final List<List<DetectionProperties.Rule>> RULE_SETS = List.of(
			List.of(rule("user-factor-not-found", PATTERN, DEFAULT_TYPES, List.of("FAILURE"))),
			List.of(rule("any", PATTERN, List.of("*"), List.of("FAILURE", "SUCCESS"))),
			List.of(rule("exact", "Resource not found: \\w+ \\(UserFactor\\)",
					List.of("user.authentication.auth_via_mfa"), List.of("FAILURE")),
					rule("second", "stuck (?<userId>00u\\w+)[.]? in (sms|call)", List.of("system.*"),
							List.of("SKIPPED"))),
			List.of(rule("no-literal", "(?i)resource NOT found: (?<userId>\\w+)", DEFAULT_TYPES, List.of("FAILURE"))));

	private static final List<String> TEXTS = List.of(
			"Not found: Resource not found: 00u1a2b3c4d5e6f7g8h9 (UserFactor)",
			"Resource not found: 00uOTHER (UserFactor)", "Resource not found:  (UserFactor)",
			"Resource not found: 00u1a2b3c4d5e6f7g8h9 (User)", "resource not found: 00uLOWER (UserFactor)",
			"Resource not found: 00uÜNICODE (UserFactor)", "stuck 00uSTUCK. in sms", "stuck 00uSTUCK in call",
			"Authentication of user via MFA", "Ré — ठीक 🙂 \u0001 \" \\ /", "", "FAILURE", "SMS_FACTOR");

	private static final List<String> TYPES = List.of("user.authentication.auth_via_mfa",
			"system.sms.send_factor_verify_message", "user.mfa.factor.activate", "user.session.start", "user.mfa",
			"system.smsx.send", "policy.evaluate_sign_on", "system.voice.call");

	private static final List<String> RESULTS = List.of("FAILURE", "SUCCESS", "SKIPPED", "FAILUREX", "failure");

	@Property(tries = 1500)
	void theFastPathAndTheFullPathAgree(@ForAll("ruleSets") List<DetectionProperties.Rule> rules,
			@ForAll("events") List<byte[]> records) {
		Detection fast = detection(rules, EventScreen.of(rules, json));
		Detection full = detection(rules, EventScreen.off());
		SimpleMeterRegistry fastMeters = registry(fast);
		SimpleMeterRegistry fullMeters = registry(full);
		long offset = 0;
		for (byte[] raw : records) {
			Message<byte[]> record = MessageBuilder.withPayload(raw)
				.setHeader(KafkaHeaders.RECEIVED_PARTITION, 0)
				.setHeader(KafkaHeaders.OFFSET, offset++)
				.build();
			String expected = outcome(full, record);
			String actual = outcome(fast, record);
			Statistics.label("outcome")
				.collect(expected.substring(0, Math.min(expected.length(), 90)).replaceAll("request:.*", "request"));
			Statistics.label("screen")
				.collect(EventScreen.of(rules, json).canPassOver(raw) ? "passed over" : "parsed",
						PLAIN.isPlainEvent(raw) ? "plain" : "not plain");
			assertThat(actual).as(new String(raw, StandardCharsets.UTF_8)).isEqualTo(expected);
		}
		assertThat(counters(fastMeters)).isEqualTo(counters(fullMeters));
	}

	private final Map<Detection, SimpleMeterRegistry> registries = new java.util.IdentityHashMap<>();

	private Detection detection(List<DetectionProperties.Rule> rules, EventScreen screen) {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		Detection detection = new Detection(new StuckFactorDetector(rules), screen,
				new DetectionMemory(Duration.ofHours(1), 1000, Duration.ofMinutes(10), 1000), json, CLOCK, registry);
		this.registries.put(detection, registry);
		return detection;
	}

	private SimpleMeterRegistry registry(Detection detection) {
		return this.registries.get(detection);
	}

	/**
	 * What an operator could see of one record: the request and its key, nothing, or why
	 * it is stuck.
	 */
	private static String outcome(Detection detection, Message<byte[]> record) {
		try {
			Message<byte[]> request = detection.apply(record);
			if (request == null) {
				return "none:";
			}
			return "request:" + new String((byte[]) request.getHeaders().get(KafkaHeaders.KEY), StandardCharsets.UTF_8)
					+ " " + new String(request.getPayload(), StandardCharsets.UTF_8);
		}
		catch (RuntimeException ex) {
			return "stuck:" + ex.getClass().getName() + " " + ex.getMessage();
		}
	}

	private static Map<String, Double> counters(SimpleMeterRegistry registry) {
		Map<String, Double> values = new TreeMap<>();
		for (Meter meter : registry.getMeters()) {
			meter.measure().forEach(m -> values.put(meter.getId().toString(), m.getValue()));
		}
		return values;
	}

	@Provide
	Arbitrary<List<DetectionProperties.Rule>> ruleSets() {
		return Arbitraries.of(RULE_SETS);
	}

	@Provide
	Arbitrary<List<byte[]>> events() {
		return event().list().ofMinSize(1).ofMaxSize(4);
	}

	private Arbitrary<byte[]> event() {
		Arbitrary<String> uuid = Arbitraries.frequencyOf(
				Tuple.of(20, Arbitraries.of("\"e1\"", "\"e2\"", "\"5a0d2b1e-8c1d\"")),
				Tuple.of(1, Arbitraries.of("\" \"", "7", "null", "{\"a\":1}")));
		Arbitrary<Field> type = Arbitraries.of(TYPES).map(t -> new Field("eventType", t));
		Arbitrary<Field> outcome = Combinators
			.combine(Arbitraries.of(RESULTS).injectNull(0.1), Arbitraries.of(TEXTS).injectNull(0.2))
			.as((result, reason) -> {
				List<Field> parts = new ArrayList<>();
				if (result != null) {
					parts.add(new Field("result", result));
				}
				if (reason != null) {
					parts.add(new Field("reason", reason));
				}
				return new Field("outcome", parts);
			});
		Arbitrary<Field> display = Arbitraries.of(TEXTS).map(t -> new Field("displayMessage", t));
		Arbitrary<Field> debug = nested(Arbitraries.integers().between(0, 20))
			.map(data -> new Field("debugContext", List.of(new Field("debugData", data))));
		Arbitrary<Field> target = Arbitraries.of(TEXTS)
			.map(t -> new Field("target", List
				.of(List.of(new Field("id", "00uTARGET"), new Field("type", "User"), new Field("displayName", t)))));
		Arbitrary<Field> actor = Arbitraries.of("User", "SystemPrincipal")
			.map(t -> new Field("actor", List.of(new Field("id", "00uACTOR"), new Field("type", t))));
		Arbitrary<Field> published = Arbitraries.of("2026-11-28T09:12:44.123Z", "yesterday")
			.map(p -> new Field("published", p));
		Arbitrary<Field> huge = Arbitraries.integers()
			.between(1, 200_000)
			.map(n -> new Field("client", "x".repeat(n) + (n % 3 == 0 ? TEXTS.get(0) : "")));
		Arbitrary<Field> number = Arbitraries.of("1", "-0.5e-7", "1" + "0".repeat(1200), "1e999999", "true", "[]")
			.map(Raw::new)
			.map(r -> new Field("n", r));
		Arbitrary<List<Field>> fields = Combinators
			.combine(type.injectNull(0.1), outcome.injectNull(0.1), display.injectNull(0.3), debug.injectNull(0.3),
					target.injectNull(0.3), actor.injectNull(0.3), published.injectNull(0.2),
					Combinators.combine(huge.injectNull(0.9), number.injectNull(0.8))
						.as((h, n) -> new Field[] { h, n }))
			.as((a, b, c, d, e, f, g, extra) -> {
				List<Field> list = new ArrayList<>();
				for (Field field : new Field[] { a, b, c, d, e, f, g, extra[0], extra[1] }) {
					if (field != null) {
						list.add(field);
					}
				}
				return list;
			});
		Arbitrary<Damage> damages = Arbitraries.frequency(Tuple.of(16, Damage.NONE), Tuple.of(4, Damage.OVERLONG),
				Tuple.of(1, Damage.DUPLICATE_UUID), Tuple.of(1, Damage.TRUNCATED), Tuple.of(1, Damage.TRAILING),
				Tuple.of(1, Damage.ARRAY), Tuple.of(2, Damage.UTF16), Tuple.of(1, Damage.INVALID_UTF8),
				Tuple.of(6, Damage.MUTATED));
		return Combinators.combine(uuid.injectNull(0.02), fields, Arbitraries.randoms(), damages)
			.as((id, list, random, damage) -> {
				List<Field> all = new ArrayList<>(list);
				if (id != null) {
					all.add(new Field("uuid", new Raw(id)));
				}
				java.util.Collections.shuffle(all, random);
				if (damage == Damage.DUPLICATE_UUID) {
					all.add(new Field("uuid", new Raw("\" \"")));
				}
				Writer writer = new Writer(random, damage == Damage.OVERLONG);
				writer.object(all);
				return damage.apply(writer.bytes(), random);
			});
	}

	/**
	 * A debugData value: strings, objects and arrays up to the given depth (deeper than
	 * 16 is not searched).
	 */
	private Arbitrary<Object> nested(Arbitrary<Integer> depths) {
		return Combinators.combine(depths, Arbitraries.of(TEXTS), Arbitraries.integers().between(0, 2))
			.as((depth, text, shape) -> {
				Object value = text;
				for (int i = 0; i < depth; i++) {
					value = (i + shape) % 2 == 0 ? List.of(new Field("k" + i, value), new Field("n", "x"))
							: new Object[] { "y", value };
				}
				return value;
			});
	}

	private static DetectionProperties.Rule rule(String name, String pattern, List<String> types,
			List<String> results) {
		return new DetectionProperties.Rule(name, pattern, types, results, "sms");
	}

	/**
	 * A name and a value: a String, a {@link Raw} JSON text, a list of fields (object) or
	 * an array.
	 */
	private record Field(String name, Object value) {
	}

	/** JSON text written as is. */
	private record Raw(String json) {
	}

	/** Ways a record on the topic can be broken, or written unusually. */
	private enum Damage {

		NONE, DUPLICATE_UUID, OVERLONG, TRUNCATED, TRAILING, ARRAY, UTF16, INVALID_UTF8, MUTATED;

		private static final byte[] MUTATIONS = "{}[],:\"\\0-+.eE tfn \t\u00e9x".getBytes(StandardCharsets.UTF_8);

		byte[] apply(byte[] raw, java.util.Random random) {
			return switch (this) {
				case MUTATED -> {
					byte[] mutated = raw.clone();
					for (int n = 1 + random.nextInt(2); n > 0; n--) {
						mutated[random.nextInt(mutated.length)] = random.nextInt(5) == 0 ? (byte) random.nextInt(256)
								: MUTATIONS[random.nextInt(MUTATIONS.length)];
					}
					yield mutated;
				}
				case TRUNCATED -> java.util.Arrays.copyOf(raw, raw.length / 2);
				case TRAILING -> concat(raw, " {}".getBytes(StandardCharsets.UTF_8));
				case ARRAY -> concat(concat(new byte[] { '[' }, raw), new byte[] { ']' });
				case UTF16 -> new String(raw, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16BE);
				case INVALID_UTF8 ->
					concat(java.util.Arrays.copyOf(raw, raw.length - 1), new byte[] { (byte) 0xc3, (byte) 0x28, '}' });
				default -> raw;
			};
		}

		private static byte[] concat(byte[] a, byte[] b) {
			byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
			System.arraycopy(b, 0, all, a.length, b.length);
			return all;
		}

	}

	/**
	 * Writes JSON with random whitespace and, per character, random escapes
	 * ({@code \u0046}, {@code \/}) in names and strings; optionally overlong UTF-8 forms
	 * of ASCII letters.
	 */
	private static final class Writer {

		private final java.util.Random random;

		private final boolean overlong;

		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		private final int escapeOdds;

		Writer(java.util.Random random, boolean overlong) {
			this.random = random;
			this.overlong = overlong;
			this.escapeOdds = random.nextInt(4) == 0 ? 3 : 0;
		}

		byte[] bytes() {
			return this.out.toByteArray();
		}

		@SuppressWarnings("unchecked")
		void value(Object value) {
			if (value instanceof String text) {
				string(text);
			}
			else if (value instanceof Raw raw) {
				ascii(raw.json());
			}
			else if (value instanceof Object[] array) {
				ascii("[");
				for (int i = 0; i < array.length; i++) {
					space();
					if (i > 0) {
						ascii(",");
					}
					value(array[i]);
				}
				ascii("]");
			}
			else {
				object((List<Field>) value);
			}
		}

		void object(List<?> fields) {
			ascii("{");
			for (int i = 0; i < fields.size(); i++) {
				space();
				if (i > 0) {
					ascii(",");
					space();
				}
				Field field = (Field) fields.get(i);
				if (field.value() instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof List<?>) {
					string(field.name());
					ascii(":");
					ascii("[");
					for (int j = 0; j < list.size(); j++) {
						if (j > 0) {
							ascii(",");
						}
						object((List<?>) list.get(j));
					}
					ascii("]");
					continue;
				}
				string(field.name());
				space();
				ascii(":");
				space();
				value(field.value());
			}
			space();
			ascii("}");
		}

		private void string(String text) {
			ascii("\"");
			for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
				int c = text.codePointAt(i);
				boolean mustEscape = c == '"' || c == '\\' || c < 0x20;
				if (mustEscape || (this.escapeOdds > 0 && this.random.nextInt(this.escapeOdds) == 0)) {
					String format = this.random.nextBoolean() ? "\\u%04X" : "\\u%04x";
					StringBuilder escaped = new StringBuilder();
					for (char unit : Character.toChars(c)) {
						escaped.append(String.format(format, (int) unit));
					}
					ascii(c == '/' && this.random.nextBoolean() ? "\\/" : escaped.toString());
				}
				else if (this.overlong && c >= 'A' && c <= 'z' && this.random.nextInt(8) == 0) {
					this.out.write(0xc0 | (c >> 6));
					this.out.write(0x80 | (c & 0x3f));
				}
				else {
					this.out.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
				}
			}
			ascii("\"");
		}

		private void space() {
			switch (this.random.nextInt(6)) {
				case 0 -> ascii(" ");
				case 1 -> ascii("\n\t ");
				default -> {
				}
			}
		}

		private void ascii(String text) {
			this.out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
		}

	}

}
