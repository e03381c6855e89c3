package dev.factorhealer.fakeokta;

import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * The subset of the System Log SCIM filter the fake supports: {@code attr eq "value"}
 * clauses joined by {@code and} and {@code or} ({@code and} binds tighter, as in SCIM),
 * grouped with parentheses, where attr is {@code eventType} or {@code outcome.result}
 * (attribute names, operators and {@code and}/{@code or} case-insensitive, values
 * compared exactly). Anything else ({@code not}, other operators or attributes,
 * unbalanced parentheses) is rejected.
 */
final class LogFilter {

	static final class InvalidFilterException extends RuntimeException {

		InvalidFilterException(String message) {
			super(message);
		}

	}

	private static final Pattern CLAUSE = Pattern
		.compile("\\s*([A-Za-z][A-Za-z0-9_.]*)\\s+(\\S+)\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

	private static final Pattern AND = Pattern.compile("(?i)and(?:\\s+|(?=\\())");

	private static final Pattern OR = Pattern.compile("(?i)or(?:\\s+|(?=\\())");

	private static final Pattern OPEN = Pattern.compile("\\s*\\(\\s*");

	private static final Pattern CLOSE = Pattern.compile("\\s*\\)\\s*");

	private final String filter;

	private int position;

	private LogFilter(String filter) {
		this.filter = filter;
	}

	static Predicate<JsonNode> parse(String filter) {
		if (filter == null || filter.isBlank()) {
			return event -> true;
		}
		LogFilter parser = new LogFilter(filter);
		Predicate<JsonNode> predicate = parser.or();
		if (parser.position != filter.length()) {
			throw new InvalidFilterException("Expected 'and' or 'or' at position " + parser.position);
		}
		return predicate;
	}

	/** or-expression := and-expression ('or' and-expression)* */
	private Predicate<JsonNode> or() {
		Predicate<JsonNode> left = and();
		while (take(OR)) {
			left = left.or(and());
		}
		return left;
	}

	/** and-expression := term ('and' term)* */
	private Predicate<JsonNode> and() {
		Predicate<JsonNode> left = term();
		while (take(AND)) {
			left = left.and(term());
		}
		return left;
	}

	/** term := '(' or-expression ')' | attr eq "value" */
	private Predicate<JsonNode> term() {
		if (take(OPEN)) {
			Predicate<JsonNode> inner = or();
			if (!take(CLOSE)) {
				throw new InvalidFilterException("Expected ')' at position " + position);
			}
			return inner;
		}
		Matcher clause = CLAUSE.matcher(filter);
		clause.region(position, filter.length());
		if (!clause.lookingAt()) {
			throw new InvalidFilterException("Expected 'attribute eq \"value\"' at position " + position);
		}
		String attribute = clause.group(1);
		String operator = clause.group(2);
		String value = clause.group(3).replaceAll("\\\\(.)", "$1");
		if (!operator.equalsIgnoreCase("eq")) {
			throw new InvalidFilterException("Unsupported operator '" + operator + "': only eq is supported");
		}
		position = clause.end();
		return clauseFor(attribute, value);
	}

	private boolean take(Pattern token) {
		Matcher matcher = token.matcher(filter);
		matcher.region(position, filter.length());
		if (!matcher.lookingAt()) {
			return false;
		}
		position = matcher.end();
		return true;
	}

	private static Predicate<JsonNode> clauseFor(String attribute, String value) {
		return switch (attribute.toLowerCase(Locale.ROOT)) {
			case "eventtype" -> event -> value.equals(textAt(event.path("eventType")));
			case "outcome.result" -> event -> value.equals(textAt(event.path("outcome").path("result")));
			default -> throw new InvalidFilterException(
					"Unsupported filter attribute '" + attribute + "': the fake supports eventType and outcome.result");
		};
	}

	private static String textAt(JsonNode node) {
		return node.isString() ? node.stringValue() : null;
	}

}
