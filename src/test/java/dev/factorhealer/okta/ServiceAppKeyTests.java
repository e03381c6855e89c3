package dev.factorhealer.okta;

import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.Test;

import dev.factorhealer.fakeokta.FakeServiceApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code okta.client.private-key}: the forms Okta's console and openssl give, and
 * refusals that never echo the key.
 */
class ServiceAppKeyTests {

	@Test
	void readsRsaAndEcPkcs8Pems() {
		assertThat(ServiceAppKey.read(FakeServiceApp.rsa().pem(), null).algorithm()).isEqualTo(JWSAlgorithm.RS256);
		assertThat(ServiceAppKey.read(FakeServiceApp.ec().pem(), "k1")).satisfies(key -> {
			assertThat(key.algorithm()).isEqualTo(JWSAlgorithm.ES256);
			assertThat(key.kid()).isEqualTo("k1");
		});
	}

	@Test
	void readsAPrivateJwkAndTakesItsKidUnlessOneIsSet() {
		FakeServiceApp app = FakeServiceApp.rsa();
		String jwk = app.key().toJSONString();

		assertThat(ServiceAppKey.read(jwk, null).kid()).isEqualTo(app.key().getKeyID());
		assertThat(ServiceAppKey.read(jwk, "chosen").kid()).isEqualTo("chosen");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ServiceAppKey.read(app.key().toPublicJWK().toJSONString(), null))
			.withMessageContaining("public JWK");
	}

	@Test
	void namesTheConversionForAPkcs1PemAndNeverEchoesTheValue() {
		String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END RSA PRIVATE KEY-----";
		assertThatIllegalArgumentException().isThrownBy(() -> ServiceAppKey.read(pkcs1, null))
			.withMessageContaining("openssl pkcs8 -topk8")
			.withMessageNotContaining("c2VjcmV0LWtleS1tYXRlcmlhbA");
		assertThatIllegalArgumentException().isThrownBy(() -> ServiceAppKey.read("sk-not-a-key-nor-a-file", null))
			.withMessageContaining("okta.client.private-key")
			.withMessageNotContaining("sk-not-a-key");
	}

}
