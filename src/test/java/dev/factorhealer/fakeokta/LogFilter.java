package dev.factorhealer.fakeokta;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * The subset of the System Log SCIM filter the fake supports: {@code attr eq "value"} clauses
 * joined by {@code and}, where attr is {@code eventType} or {@code outcome.result} (attribute names
 * and operators case-insensitive, values compared exactly). Anything else is rejected.
 */
final class LogFilter {

    static final class InvalidFilterException extends RuntimeException {
        InvalidFilterException(String message) {
            super(message);
        }
    }

    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*([A-Za-z][A-Za-z0-9_.]*)\\s+(\\S+)\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");
    private static final Pattern AND = Pattern.compile("(?i)and\\s+");

    private LogFilter() {
    }

    static Predicate<JsonNode> parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return event -> true;
        }
        List<Predicate<JsonNode>> clauses = new ArrayList<>();
        Matcher clause = CLAUSE.matcher(filter);
        Matcher and = AND.matcher(filter);
        int position = 0;
        while (true) {
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
            clauses.add(clauseFor(attribute, value));
            position = clause.end();
            if (position == filter.length()) {
                break;
            }
            and.region(position, filter.length());
            if (!and.lookingAt()) {
                throw new InvalidFilterException("Expected 'and' at position " + position);
            }
            position = and.end();
        }
        return event -> clauses.stream().allMatch(c -> c.test(event));
    }

    private static Predicate<JsonNode> clauseFor(String attribute, String value) {
        return switch (attribute.toLowerCase(Locale.ROOT)) {
            case "eventtype" -> event -> value.equals(textAt(event.path("eventType")));
            case "outcome.result" -> event -> value.equals(textAt(event.path("outcome").path("result")));
            default -> throw new InvalidFilterException("Unsupported filter attribute '" + attribute
                    + "': the fake supports eventType and outcome.result");
        };
    }

    private static String textAt(JsonNode node) {
        return node.isString() ? node.stringValue() : null;
    }
}
