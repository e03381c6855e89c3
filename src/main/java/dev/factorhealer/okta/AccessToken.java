package dev.factorhealer.okta;

import java.time.Instant;

/**
 * An access token from the token endpoint. {@link #toString()} never shows the value.
 *
 * @param value the token
 * @param dpop {@code token_type} is {@code DPoP} (else {@code Bearer})
 * @param renewAt when to ask for the next one (80 % of its life)
 * @param expiresAt when Okta stops taking it
 */
record AccessToken(String value, boolean dpop, Instant renewAt,
		Instant expiresAt) implements OktaAuthorization.Credential {

	String scheme() {
		return this.dpop ? "DPoP" : "Bearer";
	}

	@Override
	public String toString() {
		return "AccessToken[" + scheme() + ", renewAt=" + this.renewAt + ", expiresAt=" + this.expiresAt + "]";
	}

}
