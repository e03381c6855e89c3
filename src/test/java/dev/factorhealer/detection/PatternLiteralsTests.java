package dev.factorhealer.detection;

import java.util.List;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The texts a rule's pattern promises are really in every match, and only certain ones
 * are taken.
 */
class PatternLiteralsTests {

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiterString = "=>", nullValues = "-", textBlock = """
			Resource not found: (?<userId>\\w+) \\(UserFactor\\)  => Resource not found: ;; (UserFactor)
			Resource not found: \\w+ \\(UserFactor\\)             => Resource not found: ;; (UserFactor)
			abc?d                                                 => ab
			abcd*e                                                => abc
			ab{2}cd                                               => cd
			ab+cd                                                 => cd
			x[ab(]yz.qq                                           => yz;;qq
			(?:Resource|Factor) not found                         => ' not found'
			\\Qa.b\\E                                             => -
			Resource|Factor                                       => -
			(?i)resource not found                                => -
			(?x)resource not found                                => -
			ab(?i:cd)ef                                           => -
			\\p{L}+ not found                                     => -
			\\x41bc                                               => -
			""")
	void takesOnlyTheTextsEveryMatchContains(String pattern, String expected) {
		List<String> literals = PatternLiterals.of(pattern.strip());

		if (expected == null) {
			assertThat(literals).isEmpty();
		}
		else {
			assertThat(literals).containsExactlyInAnyOrder(expected.split(";;"));
		}
	}

	/**
	 * Patterns glued from pieces, texts glued from the same pieces: every match holds the
	 * literals.
	 */
	@Property(tries = 3000)
	void everyMatchContainsEveryLiteral(@ForAll("patterns") String pattern, @ForAll("texts") String text) {
		var matcher = Pattern.compile(pattern).matcher(text);
		while (matcher.find()) {
			for (String literal : PatternLiterals.of(pattern)) {
				assertThat(matcher.group()).as(pattern).contains(literal);
			}
		}
	}

	@Provide
	Arbitrary<String> patterns() {
		return Arbitraries
			.of("ab", "a", "b", "c", "\\(", "\\)", " ", "\\w+", "\\d", "[ab]", "[^a]", "(a|bc)", "(?:ab)?", "a?", "b*",
					"c+", "a{2}", "b{0,2}", ".", "(?<userId>\\w+)", "\\b", "a*?", "b+?", "(?=a)", "(?!b)", "|")
			.list()
			.ofMinSize(1)
			.ofMaxSize(8)
			.map(pieces -> String.join("", pieces))
			.filter(PatternLiteralsTests::compiles);
	}

	@Provide
	Arbitrary<String> texts() {
		return Arbitraries.of("a", "b", "c", "(", ")", " ", "1", "ab", "bc", "x")
			.list()
			.ofMaxSize(16)
			.map(pieces -> String.join("", pieces));
	}

	private static boolean compiles(String pattern) {
		try {
			Pattern.compile(pattern);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
