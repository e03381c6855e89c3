package dev.factorhealer.okta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * The service app's private key, read from {@code okta.client.private-key}: a PKCS#8 PEM
 * ({@code -----BEGIN PRIVATE KEY-----}, what Okta's console and {@code openssl genpkey}
 * give), a private JWK (the console's other download), or the path of a file holding
 * either. RSA keys sign with RS256, EC keys with ES256/ES384/ES512 by curve. The key is
 * only ever handed to the signer; no message carries it.
 *
 * @param signer signs client assertions
 * @param algorithm the JWS algorithm of the key
 * @param kid the key id to put in the assertion header, {@code null} when none is known
 */
record ServiceAppKey(JWSSigner signer, JWSAlgorithm algorithm, String kid) {

	private static final String SETTING = "okta.client.private-key (OKTA_CLIENT_PRIVATEKEY)";

	/**
	 * @param setting the setting's value: the key or a path
	 * @param kid {@code okta.client.kid}, wins over a JWK's own {@code kid}
	 * @throws IllegalArgumentException with a message that names the setting and never
	 * shows the key
	 */
	static ServiceAppKey read(String setting, String kid) {
		String text = setting.strip();
		if (!text.startsWith("-----BEGIN") && !text.startsWith("{")) {
			text = readFile(text);
		}
		try {
			if (text.startsWith("{")) {
				return fromJwk(JWK.parse(text), kid);
			}
			return fromPem(text, kid);
		}
		catch (IllegalArgumentException ex) {
			if (ex.getMessage() != null && ex.getMessage().startsWith(SETTING)) {
				throw ex;
			}
			throw unusable(ex);
		}
		catch (ParseException | JOSEException | GeneralSecurityException ex) {
			throw unusable(ex);
		}
	}

	private static IllegalArgumentException unusable(Exception ex) {
		{
			return new IllegalArgumentException(SETTING + " is not a usable RSA or EC private key ("
					+ ex.getClass().getSimpleName()
					+ "); give a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or a private JWK, or the path of a file holding one");
		}
	}

	private static String readFile(String path) {
		try {
			return Files.readString(Path.of(path), StandardCharsets.UTF_8).strip();
		}
		catch (IOException | InvalidPathException ex) {
			// a value that is neither a PEM nor a readable path may be a mangled key:
			// never echo it
			throw new IllegalArgumentException(
					SETTING + " is neither a PEM, nor a JWK, nor the path of a readable file ("
							+ ex.getClass().getSimpleName() + ")");
		}
	}

	private static ServiceAppKey fromPem(String pem, String kid) throws GeneralSecurityException, JOSEException {
		if (pem.startsWith("-----BEGIN RSA PRIVATE KEY-----") || pem.startsWith("-----BEGIN EC PRIVATE KEY-----")) {
			throw new IllegalArgumentException(SETTING + " is a PKCS#1/SEC1 PEM; convert it to PKCS#8 with "
					+ "'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'");
		}
		if (!pem.startsWith("-----BEGIN PRIVATE KEY-----")) {
			throw new IllegalArgumentException(
					SETTING + " must be an unencrypted PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)");
		}
		String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
		PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
		PrivateKey key;
		try {
			key = KeyFactory.getInstance("RSA").generatePrivate(spec);
		}
		catch (GeneralSecurityException notRsa) {
			key = KeyFactory.getInstance("EC").generatePrivate(spec);
		}
		return of(key, kid);
	}

	private static ServiceAppKey fromJwk(JWK jwk, String kid) throws JOSEException {
		if (!jwk.isPrivate()) {
			throw new IllegalArgumentException(SETTING + " is a public JWK; the service needs the private key");
		}
		String keyId = (kid != null && !kid.isBlank()) ? kid : jwk.getKeyID();
		if (jwk instanceof RSAKey rsa) {
			return of(rsa.toPrivateKey(), keyId);
		}
		if (jwk instanceof ECKey ec) {
			return of(ec.toPrivateKey(), keyId);
		}
		throw new IllegalArgumentException(SETTING + " must be an RSA or EC key, not " + jwk.getKeyType());
	}

	private static ServiceAppKey of(PrivateKey key, String kid) throws JOSEException {
		String keyId = (kid != null && !kid.isBlank()) ? kid.strip() : null;
		if (key instanceof RSAPrivateKey rsa) {
			return new ServiceAppKey(new RSASSASigner(rsa), JWSAlgorithm.RS256, keyId);
		}
		if (key instanceof ECPrivateKey ec) {
			Curve curve = Curve.forECParameterSpec(ec.getParams());
			JWSAlgorithm algorithm = (curve == null) ? null
					: Curve.P_256.equals(curve) ? JWSAlgorithm.ES256 : Curve.P_384.equals(curve) ? JWSAlgorithm.ES384
							: Curve.P_521.equals(curve) ? JWSAlgorithm.ES512 : null;
			if (algorithm == null) {
				throw new IllegalArgumentException(SETTING + " is an EC key on a curve Okta does not take (use P-256)");
			}
			return new ServiceAppKey(new ECDSASigner(ec), algorithm, keyId);
		}
		throw new IllegalArgumentException(SETTING + " must be an RSA or EC key");
	}

	@Override
	public String toString() {
		return "ServiceAppKey[" + this.algorithm + ", kid=" + this.kid + "]";
	}

}
