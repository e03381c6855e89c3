package dev.factorhealer.okta;

import java.net.URI;
import java.time.Instant;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * How one HTTP attempt against Okta's API is authorized. Applied per attempt, not as a
 * default header, because a DPoP proof depends on the method, the URL and the token. The
 * strategy never repeats a call itself: it says what an answer means ({@link Challenge})
 * and {@link OktaHttp} repeats through its normal attempt path, so that every HTTP
 * attempt takes a budget permit.
 */
sealed interface OktaAuthorization permits SswsAuthorization, ServiceAppAuthorization {

	/**
	 * The credential for the next attempt, obtained before the attempt takes a permit (a
	 * service app may have to ask the token endpoint first).
	 * @throws OktaTokenException when no access token could be obtained
	 */
	Credential credential(Instant deadline);

	/** Sets {@code Authorization} (and {@code DPoP}) for one attempt. */
	void apply(HttpHeaders headers, Credential credential, HttpMethod method, URI uri);

	/**
	 * What an answer says about the credential; remembers a {@code DPoP-Nonce} the server
	 * sent.
	 */
	Challenge challenge(int status, HttpHeaders headers);

	/** After a 401 {@code invalid_token}: the next {@link #credential} is a new one. */
	void renew(Credential stale);

	/** For log lines and {@code doctor}: the mode, never a secret. */
	String describe();

	/** An opaque credential; {@link #toString()} never shows it. */
	interface Credential {

	}

	/**
	 * What an answer said about the credential.
	 *
	 * @param type what to do
	 * @param scope the scope the resource server asked for
	 * ({@link Type#INSUFFICIENT_SCOPE}), or {@code null}
	 */
	record Challenge(Type type, String scope) {

		static final Challenge NONE = new Challenge(Type.NONE, null);

		enum Type {

			/** Nothing about the credential. */
			NONE,

			/**
			 * 401 {@code invalid_token}: renew the token once, then repeat the call once.
			 */
			RENEW_TOKEN,

			/**
			 * {@code use_dpop_nonce}: repeat the call once with the nonce the server
			 * sent.
			 */
			USE_NONCE,

			/**
			 * 403 {@code insufficient_scope}: never repeated; the reason names the scope.
			 */
			INSUFFICIENT_SCOPE

		}

	}

}
