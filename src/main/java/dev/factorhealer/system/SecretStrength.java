package dev.factorhealer.system;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses weak or placeholder secrets at start-up (hook secrets, the admin token): an
 * unedited {@code .env} would otherwise open the service with a value anyone can read in
 * the repository. The message names the setting and how to make a good value, never the
 * rejected value: these checks run in code because Spring Boot's binding-failure report
 * prints the value.
 */
public final class SecretStrength {

	/** Shortest accepted secret; {@code openssl rand -base64 32} gives 44 characters. */
	static final int MIN_LENGTH = 24;

	/** Fewest distinct characters: rules out {@code aaaa...} and {@code abababab...}. */
	static final int MIN_DISTINCT = 10;

	/** Least Shannon estimate of the whole value, in bits. */
	static final double MIN_BITS = 80;

	/** Text the examples and documentation use for values that must be replaced. */
	private static final List<String> PLACEHOLDERS = List.of("replace-with", "replace_with", "change-me", "changeme",
			"change_me", "placeholder", "your-secret", "your-token", "set-in-the-environment", "example", "password",
			"xxxxxxxx");

	static final String HOW = "generate one with: openssl rand -base64 32";

	private SecretStrength() {
	}

	/**
	 * @param setting the setting's name, for the message (e.g.
	 * {@code healer.hook.secrets})
	 * @param value the secret
	 * @throws WeakSecretException when the value is a placeholder, short or of low
	 * entropy
	 */
	public static void check(String setting, String value) {
		String problem = problem(value);
		if (problem != null) {
			throw new WeakSecretException(setting + " is refused: " + problem + "; " + HOW);
		}
	}

	/** What is wrong with the value, or {@code null} when it is strong enough. */
	static String problem(String value) {
		if (value == null || value.isBlank()) {
			return "it is blank";
		}
		String lower = value.toLowerCase(Locale.ROOT);
		for (String placeholder : PLACEHOLDERS) {
			if (lower.contains(placeholder)) {
				return "it is a placeholder (like the values of .env.example)";
			}
		}
		if (value.length() < MIN_LENGTH) {
			return "it is shorter than " + MIN_LENGTH + " characters";
		}
		Map<Integer, Integer> counts = new HashMap<>();
		value.codePoints().forEach((c) -> counts.merge(c, 1, Integer::sum));
		if (counts.size() < MIN_DISTINCT) {
			return "it has fewer than " + MIN_DISTINCT + " distinct characters";
		}
		double bits = 0;
		int length = value.codePointCount(0, value.length());
		for (int count : counts.values()) {
			double p = (double) count / length;
			bits -= count * (Math.log(p) / Math.log(2));
		}
		if (bits < MIN_BITS || repeats(value) || changes(value) < length / 2) {
			return "it is too predictable (repeated or runs of characters, or under " + (int) MIN_BITS + " bits)";
		}
		return null;
	}

	/**
	 * Whether the value is a shorter piece written again and again
	 * ({@code abcabcabc...}).
	 */
	private static boolean repeats(String value) {
		for (int period = 1; period <= value.length() / 2; period++) {
			boolean same = true;
			for (int i = period; i < value.length() && same; i++) {
				same = value.charAt(i) == value.charAt(i - period);
			}
			if (same) {
				return true;
			}
		}
		return false;
	}

	/**
	 * How often a character differs from the one before ({@code aaaabbbb} changes once).
	 */
	private static int changes(String value) {
		int changes = 0;
		for (int i = 1; i < value.length(); i++) {
			if (value.charAt(i) != value.charAt(i - 1)) {
				changes++;
			}
		}
		return changes;
	}

	/** A secret setting that must not be used; its message never contains the value. */
	public static final class WeakSecretException extends IllegalStateException {

		WeakSecretException(String message) {
			super(message);
		}

	}

}
