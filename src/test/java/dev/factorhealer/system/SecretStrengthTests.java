package dev.factorhealer.system;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretStrengthTests {

	@Test
	void aGeneratedSecretPasses() {
		// openssl rand -base64 32, and openssl rand -hex 16
		assertThatNoException().isThrownBy(
				() -> SecretStrength.check("healer.hook.secrets", "q2bV8mWzJ0r7YcQe4tXkP1sN9uA6fHdL3gRoT5iEwMy="));
		assertThat(SecretStrength.problem("9f86d081884c7d659a2feaa0c55ad015")).isNull();
	}

	@Test
	void weakOnesAreRefusedWithoutTheValue() {
		assertThat(SecretStrength.problem("replace-with-a-long-random-hook-secret")).contains("placeholder");
		assertThat(SecretStrength.problem("change-me")).contains("placeholder");
		assertThat(SecretStrength.problem("local-demo-hook-secret")).contains("shorter than 24");
		assertThat(SecretStrength.problem("password1234password1234")).contains("placeholder");
		assertThat(SecretStrength.problem("Kx7#Qm2pKx7#Qm2pKx7#Qm2pKx7#Qm2p")).contains("distinct");
		assertThat(SecretStrength.problem("Kx7#Qm2pLz9&Kx7#Qm2pLz9&Kx7#Qm2pLz9&")).contains("predictable");
		assertThat(SecretStrength.problem("aaaabbbbccccddddeeeeffffgggghhhhiiiijjjj")).contains("predictable");
		assertThat(SecretStrength.problem("   ")).contains("blank");
		assertThatThrownBy(() -> SecretStrength.check("healer.admin.token", "hunter2"))
			.isInstanceOf(SecretStrength.WeakSecretException.class)
			.hasMessageStartingWith("healer.admin.token is refused")
			.hasMessageContaining("openssl rand -base64 32")
			.hasMessageNotContaining("hunter2");
	}

}
