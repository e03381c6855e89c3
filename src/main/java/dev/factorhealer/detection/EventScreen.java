package dev.factorhealer.detection;

import java.util.List;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;

/**
 * Passes over the events that cannot concern any rule, so only the few that can are
 * parsed into a tree. A rule counts an event (a match, or an ignored one) only when its
 * pattern is found in a searched text, so the texts every match of the pattern contains
 * ({@link PatternLiterals}) are a necessary condition, whatever the event's type and
 * outcome: type and outcome alone never allow passing over an event, since a pattern
 * found outside a rule's types is still counted as ignored.
 * <p>
 * The full path sends a record that is no JSON object with a {@code uuid} to the stuck
 * topic, so a record is passed over only once it is known to be a valid event. The usual
 * record (strict JSON, nothing escaped) is checked and searched in one pass over its
 * bytes ({@link PlainEventCheck}, {@link RawEventBytes}); any other is read to its end by
 * the mapper's streaming parser, without building anything, and the searched texts
 * ({@code outcome}, {@code displayMessage}, {@code debugContext}) are decoded (escapes
 * resolved) and searched. Whatever this class is unsure of takes the full path.
 */
final class EventScreen {

	/** The top-level fields under which the detector searches texts. */
	private static final Set<String> SEARCHED = Set.of("outcome", "displayMessage", "debugContext");

	private final ObjectMapper mapper;

	/** Per rule, the texts a match must contain; {@code null} when the screen is off. */
	private final List<List<String>> literals;

	private final List<List<byte[]>> needles;

	private final PlainEventCheck plain;

	private EventScreen(ObjectMapper mapper, List<List<String>> literals) {
		this.mapper = mapper;
		this.literals = literals;
		this.plain = mapper == null ? null : new PlainEventCheck(mapper);
		this.needles = literals == null ? null
				: literals.stream().map(texts -> texts.stream().map(RawEventBytes::needle).toList()).toList();
	}

	static EventScreen of(List<DetectionProperties.Rule> rules, ObjectMapper mapper) {
		return new EventScreen(mapper, rules.stream().map(rule -> PatternLiterals.of(rule.pattern())).toList());
	}

	/** A screen that passes over nothing: every event takes the full path. */
	static EventScreen off() {
		return new EventScreen(null, null);
	}

	/**
	 * Whether some rule's pattern could be found (a rule without known literals: always).
	 */
	boolean mayShow(byte[] raw) {
		if (this.needles == null) {
			return true;
		}
		// not plain: an escape could spell any rule's texts
		return RawEventBytes.isPlain(raw) ? anyRuleInBytes(raw) : !this.needles.isEmpty();
	}

	/**
	 * {@link #mayShow} for a record already known to be {@link RawEventBytes#isPlain
	 * plain}.
	 */
	boolean mayShowPlain(byte[] raw) {
		return this.needles == null || anyRuleInBytes(raw);
	}

	/**
	 * {@code true} only when the full path would find this record a valid event and no
	 * rule would find its pattern in it: then the detector has nothing to do or count.
	 */
	boolean canPassOver(byte[] raw) {
		if (this.needles == null || raw == null || raw.length == 0) {
			return false;
		}
		if (this.plain.isPlainEvent(raw)) {
			return !anyRuleInBytes(raw); // nothing escaped: the byte search is exact
		}
		return canPassOverParsed(raw);
	}

	/**
	 * The same decision for the records {@link PlainEventCheck} is not sure of, by the
	 * mapper's own parser.
	 */
	private boolean canPassOverParsed(byte[] raw) {
		boolean search = mayShow(raw);
		try (JsonParser parser = this.mapper.createParser(raw)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return false;
			}
			int uuids = 0;
			boolean validUuid = false;
			for (String name = parser.nextName(); name != null; name = parser.nextName()) {
				JsonToken value = parser.nextToken();
				if (name.equals("uuid")) {
					uuids++;
					validUuid = value == JsonToken.VALUE_STRING && !parser.getString().isBlank();
				}
				else if (search && SEARCHED.contains(name)) {
					if (anyRuleIn(parser, value)) {
						return false;
					}
				}
				else {
					parser.skipChildren();
				}
			}
			return parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null && uuids == 1
					&& validUuid;
		}
		catch (JacksonException ex) {
			return false; // the full path says what is wrong with it
		}
	}

	/**
	 * Whether the strings of this value (all of them, at any depth) may hold some rule's
	 * literals.
	 */
	private boolean anyRuleIn(JsonParser parser, JsonToken value) {
		int depth = 0;
		JsonToken token = value;
		while (token != null) {
			if (token == JsonToken.VALUE_STRING && mayHold(parser.getString())) {
				return true;
			}
			if (token.isStructStart()) {
				depth++;
			}
			else if (token.isStructEnd()) {
				depth--;
			}
			if (depth == 0) {
				return false;
			}
			token = parser.nextToken();
		}
		return true; // cut short: let the full path decide
	}

	private boolean mayHold(String text) {
		for (List<String> rule : this.literals) {
			if (rule.stream().allMatch(text::contains)) {
				return true;
			}
		}
		return false;
	}

	private boolean anyRuleInBytes(byte[] raw) {
		for (List<byte[]> rule : this.needles) {
			if (containsAll(raw, rule)) {
				return true;
			}
		}
		return false;
	}

	private static boolean containsAll(byte[] raw, List<byte[]> needles) {
		for (byte[] needle : needles) {
			if (!RawEventBytes.contains(raw, needle)) {
				return false;
			}
		}
		return true;
	}

}
