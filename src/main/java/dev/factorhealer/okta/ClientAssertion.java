package dev.factorhealer.okta;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The {@code private_key_jwt} client assertion of a token request: {@code iss} =
 * {@code sub} = client id, {@code aud} = the token URL, a unique {@code jti} (Okta
 * refuses a reused one) and a short {@code exp}, signed with the app's key. A fresh one
 * for every token request.
 */
final class ClientAssertion {

	static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	/** Okta takes up to an hour; a short life limits what a leaked assertion is worth. */
	static final Duration LIFETIME = Duration.ofMinutes(2);

	private final String clientId;

	private final URI tokenUrl;

	private final ServiceAppKey key;

	private final Clock clock;

	ClientAssertion(String clientId, URI tokenUrl, ServiceAppKey key, Clock clock) {
		this.clientId = clientId;
		this.tokenUrl = tokenUrl;
		this.key = key;
		this.clock = clock;
	}

	String create() {
		Instant now = this.clock.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(this.clientId)
			.subject(this.clientId)
			.audience(this.tokenUrl.toString())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(LIFETIME)))
			.jwtID(UUID.randomUUID().toString())
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(this.key.algorithm()).keyID(this.key.kid()).build(),
				claims);
		try {
			jwt.sign(this.key.signer());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not sign the client assertion with okta.client.private-key ("
					+ ex.getClass().getSimpleName() + ")");
		}
		return jwt.serialize();
	}

}
