package dev.factorhealer.fakeokta;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * A service app for tests: a client id and a fresh key pair (RSA or EC), the private key
 * as the PKCS#8 PEM the service reads, the public key as the JWK registered with the fake
 * org.
 *
 * @param clientId the app's client id
 * @param key its key pair
 */
public record FakeServiceApp(String clientId, JWK key) {

	/** The scopes the service asks for by default. */
	public static final Set<String> DEFAULT_SCOPES = Set.of("okta.users.manage", "okta.logs.read");

	public static FakeServiceApp rsa() {
		try {
			return new FakeServiceApp(newClientId(),
					new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static FakeServiceApp ec() {
		try {
			return new FakeServiceApp(newClientId(),
					new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Registers the app's public key with the org, granting {@code scopes}. */
	public FakeServiceApp registerWith(FakeOktaOrg org, Set<String> scopes, boolean requireDpop) {
		org.authorizationServer()
			.register(new FakeAuthorizationServer.Client(this.clientId, this.key.toPublicJWK(), Set.copyOf(scopes),
					requireDpop));
		return this;
	}

	/** The private key as a PKCS#8 PEM. */
	public String pem() {
		try {
			byte[] encoded = (this.key instanceof RSAKey rsa) ? rsa.toPrivateKey().getEncoded()
					: ((ECKey) this.key).toPrivateKey().getEncoded();
			return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(encoded)
					+ "\n-----END PRIVATE KEY-----\n";
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The base64 body of the PEM, the part a leak would show. */
	public String keyMaterial() {
		return pem().lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
	}

	/** {@code okta.client.*} settings for PrivateKey mode against {@code org}. */
	public Map<String, String> settings(FakeOktaOrg org, boolean dpop) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("okta.client.org-url", org.url());
		settings.put("okta.client.authorization-mode", "PrivateKey");
		settings.put("okta.client.client-id", this.clientId);
		settings.put("okta.client.private-key", pem());
		settings.put("okta.client.dpop", Boolean.toString(dpop));
		settings.put("okta.testing.disable-https-check", "true");
		return settings;
	}

	private static String newClientId() {
		return "0oa" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
	}

	@Override
	public String toString() {
		return "FakeServiceApp[" + this.clientId + "]";
	}

}
