package dev.factorhealer.okta;

import java.net.URI;
import java.time.Instant;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/** {@code Authorization: SSWS <API token>}, as before service apps existed. */
final class SswsAuthorization implements OktaAuthorization {

	private static final Credential TOKEN = new Credential() {

		@Override
		public String toString() {
			return "SSWS API token";
		}

	};

	private final String header;

	SswsAuthorization(String token) {
		this.header = "SSWS " + token;
	}

	@Override
	public Credential credential(Instant deadline) {
		return TOKEN;
	}

	@Override
	public void apply(HttpHeaders headers, Credential credential, HttpMethod method, URI uri) {
		headers.set(HttpHeaders.AUTHORIZATION, this.header);
	}

	@Override
	public Challenge challenge(int status, HttpHeaders headers) {
		// an API token cannot be renewed and has no scopes: a 401 or 403 is final
		return Challenge.NONE;
	}

	@Override
	public void renew(Credential stale) {
	}

	@Override
	public String describe() {
		return "an SSWS API token";
	}

	@Override
	public String toString() {
		return "SswsAuthorization[token=(set)]";
	}

}
