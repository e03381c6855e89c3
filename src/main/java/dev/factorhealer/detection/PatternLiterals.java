package dev.factorhealer.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The texts every match of a rule's pattern must contain, so that an event without them
 * can be passed over without parsing it. Only what is certain is taken: runs of plain
 * ASCII characters at the top level of the pattern, outside groups, classes and
 * quantifiers. A pattern this reader does not fully understand (alternation at the top
 * level, inline flags such as {@code (?i)} or {@code (?x)}, {@code \Q...\E}, escapes with
 * arguments) gives no literal at all: its rule then sends every event down the full path,
 * which is slow but never wrong.
 */
final class PatternLiterals {

	/** Escapes that stand for one character class or a boundary and take no argument. */
	private static final String SIMPLE_ESCAPES = "wWdDsSbBhHvVRXAzZG";

	private final String pattern;

	private final List<String> literals = new ArrayList<>();

	private final StringBuilder run = new StringBuilder();

	private int at;

	private PatternLiterals(String pattern) {
		this.pattern = pattern;
	}

	/**
	 * The texts (at least two characters each, longest first) that every match contains;
	 * empty when the pattern promises none that this reader can be sure of.
	 */
	static List<String> of(String pattern) {
		return new PatternLiterals(pattern).read().orElse(List.of());
	}

	private Optional<List<String>> read() {
		while (this.at < this.pattern.length()) {
			char c = this.pattern.charAt(this.at);
			boolean understood = switch (c) {
				case '\\' -> escape();
				case '(' -> group();
				case '[' -> skipClass();
				case '?', '*', '+' -> quantifier();
				case '{' -> quantifier() && skipPast('}');
				case '|' -> false;
				case '.', '^', '$', ')', ']', '}' -> endRun();
				default -> literal(c);
			};
			if (!understood) {
				return Optional.empty();
			}
			this.at++;
		}
		endRun();
		this.literals.sort(Comparator.comparingInt(String::length).reversed());
		return Optional.of(List.copyOf(this.literals));
	}

	private boolean literal(char c) {
		if (c < 0x20 || c > 0x7e) {
			return endRun();
		}
		this.run.append(c);
		return true;
	}

	/** A quantified character is not certain to be there: it leaves the run. */
	private boolean quantifier() {
		if (!this.run.isEmpty()) {
			this.run.setLength(this.run.length() - 1);
		}
		return endRun();
	}

	private boolean escape() {
		if (this.at + 1 >= this.pattern.length()) {
			return false;
		}
		char next = this.pattern.charAt(++this.at);
		if (Character.isLetterOrDigit(next)) {
			boolean argument = this.at + 1 < this.pattern.length() && this.pattern.charAt(this.at + 1) == '{';
			return SIMPLE_ESCAPES.indexOf(next) >= 0 && !argument && endRun();
		}
		return literal(next);
	}

	/**
	 * Groups are passed over whole; inline flags change how literals read, so they end
	 * the reading.
	 */
	private boolean group() {
		endRun();
		if (this.pattern.startsWith("(?", this.at)) {
			int next = this.at + 2;
			char kind = next < this.pattern.length() ? this.pattern.charAt(next) : ')';
			boolean knownKind = kind == ':' || kind == '=' || kind == '!' || kind == '>' || kind == '<';
			if (!knownKind) {
				return false;
			}
		}
		int depth = 0;
		for (; this.at < this.pattern.length(); this.at++) {
			char c = this.pattern.charAt(this.at);
			if (c == '\\') {
				if (this.pattern.startsWith("\\Q", this.at)) {
					return false;
				}
				this.at++;
			}
			else if (c == '[') {
				if (!skipClass()) {
					return false;
				}
			}
			else if (c == '(') {
				depth++;
			}
			else if (c == ')' && --depth == 0) {
				return true;
			}
		}
		return false;
	}

	/** Passes over a character class, nested ones and escapes included. */
	private boolean skipClass() {
		endRun();
		int depth = 0;
		for (; this.at < this.pattern.length(); this.at++) {
			char c = this.pattern.charAt(this.at);
			if (c == '\\') {
				if (this.pattern.startsWith("\\Q", this.at)) {
					return false;
				}
				this.at++;
			}
			else if (c == '[') {
				depth++;
				if (this.pattern.startsWith("]", this.at + 1) || this.pattern.startsWith("^]", this.at + 1)) {
					return false; // a leading ']' reads differently across regex
									// dialects: not sure
				}
			}
			else if (c == ']' && --depth == 0) {
				return true;
			}
		}
		return false;
	}

	private boolean skipPast(char end) {
		int close = this.pattern.indexOf(end, this.at);
		if (close < 0) {
			return false;
		}
		this.at = close;
		return true;
	}

	private boolean endRun() {
		if (this.run.length() >= 2) {
			this.literals.add(this.run.toString());
		}
		this.run.setLength(0);
		return true;
	}

}
