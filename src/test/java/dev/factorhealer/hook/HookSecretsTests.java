package dev.factorhealer.hook;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HookSecrets}: only an exact configured value is accepted, any of them during a
 * rotation.
 */
class HookSecretsTests {

	private final HookSecrets secrets = new HookSecrets(
			List.of("first-secret-0123456789abcdef", "sécond-secret-ÄÖÜ-0123456789"));

	@Test
	void acceptsEveryConfiguredSecret() {
		assertThat(this.secrets.accepts("first-secret-0123456789abcdef")).isTrue();
		assertThat(this.secrets.accepts("sécond-secret-ÄÖÜ-0123456789")).isTrue();
	}

	@Test
	void refusesAMissingValue() {
		assertThat(this.secrets.accepts(null)).isFalse();
		assertThat(this.secrets.accepts("")).isFalse();
	}

	@Test
	void refusesPrefixesExtensionsAndOtherCases() {
		assertThat(this.secrets.accepts("first-secret-0123456789abcde")).isFalse();
		assertThat(this.secrets.accepts("first-secret-0123456789abcdef ")).isFalse();
		assertThat(this.secrets.accepts("FIRST-SECRET-0123456789ABCDEF")).isFalse();
		assertThat(this.secrets.accepts("Bearer first-secret-0123456789abcdef")).isFalse();
		assertThat(this.secrets.accepts("second-secret-ÄÖÜ-0123456789")).isFalse();
	}

}
