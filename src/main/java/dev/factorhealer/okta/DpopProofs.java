package dev.factorhealer.okta;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * DPoP proofs (RFC 9449) with a key pair of this process: Okta binds the access token to
 * the key's thumbprint, so a stolen token is useless without the key, which never leaves
 * memory. The key is not the app's client-authentication key (Okta requires them apart).
 * RS256, as Okta's own SDK uses.
 */
final class DpopProofs {

	static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");

	private final RSAKey key;

	private final RSASSASigner signer;

	private final Clock clock;

	DpopProofs(Clock clock) {
		this.clock = clock;
		try {
			this.key = new RSAKeyGenerator(2048).generate();
			this.signer = new RSASSASigner(this.key);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not create the DPoP key pair", ex);
		}
	}

	/**
	 * A proof for one HTTP request.
	 * @param uri the request's URL; {@code htu} leaves out its query and fragment
	 * @param nonce the server's last {@code DPoP-Nonce}, or {@code null}
	 * @param accessToken the token the request carries ({@code ath}), {@code null} on
	 * token requests
	 */
	String proof(String method, URI uri, String nonce, String accessToken) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.issueTime(Date.from(this.clock.instant()))
			.claim("htm", method)
			.claim("htu", htu(uri));
		if (nonce != null) {
			claims.claim("nonce", nonce);
		}
		if (accessToken != null) {
			claims.claim("ath", ath(accessToken));
		}
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).type(TYPE).jwk(this.key.toPublicJWK()).build(),
				claims.build());
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not sign a DPoP proof (" + ex.getClass().getSimpleName() + ")");
		}
		return jwt.serialize();
	}

	/**
	 * {@code scheme://authority/path}: RFC 9449 compares the URL without query and
	 * fragment.
	 */
	static String htu(URI uri) {
		return uri.getScheme() + "://" + uri.getRawAuthority() + ((uri.getRawPath() != null) ? uri.getRawPath() : "");
	}

	/** base64url(SHA-256(token)). */
	static String ath(String accessToken) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
			return Base64URL.encode(hash).toString();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
