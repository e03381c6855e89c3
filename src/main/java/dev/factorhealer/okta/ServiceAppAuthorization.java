package dev.factorhealer.okta;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * An OAuth 2.0 service app: {@code Authorization: DPoP <token>} plus a fresh {@code DPoP}
 * proof (with {@code ath} and the resource server's last nonce) on every attempt, or
 * {@code Authorization: Bearer <token>} when the token is not DPoP-bound.
 */
final class ServiceAppAuthorization implements OktaAuthorization {

	static final String DPOP_HEADER = "DPoP";

	static final String DPOP_NONCE = "DPoP-Nonce";

	private static final Pattern PARAMETER = Pattern.compile("([A-Za-z_]+)\\s*=\\s*\"([^\"]*)\"");

	private final String clientId;

	private final AccessTokens tokens;

	private final DpopProofs dpop;

	private volatile String resourceNonce;

	/**
	 * @param dpop the proof factory, {@code null} when DPoP is off
	 */
	ServiceAppAuthorization(String clientId, AccessTokens tokens, DpopProofs dpop) {
		this.clientId = clientId;
		this.tokens = tokens;
		this.dpop = dpop;
	}

	@Override
	public Credential credential(Instant deadline) {
		return this.tokens.token();
	}

	@Override
	public void apply(HttpHeaders headers, Credential credential, HttpMethod method, URI uri) {
		AccessToken token = (AccessToken) credential;
		headers.set(HttpHeaders.AUTHORIZATION, token.scheme() + " " + token.value());
		if (token.dpop() && this.dpop != null) {
			headers.set(DPOP_HEADER, this.dpop.proof(method.name(), uri, this.resourceNonce, token.value()));
		}
	}

	@Override
	public Challenge challenge(int status, HttpHeaders headers) {
		String nonce = headers.getFirst(DPOP_NONCE);
		if (nonce != null && !nonce.isBlank()) {
			this.resourceNonce = nonce;
		}
		if (status != 400 && status != 401 && status != 403) {
			return Challenge.NONE;
		}
		String error = null;
		String scope = null;
		for (String value : headers.getOrEmpty(HttpHeaders.WWW_AUTHENTICATE)) {
			Matcher parameter = PARAMETER.matcher(value);
			while (parameter.find()) {
				switch (parameter.group(1).toLowerCase(Locale.ROOT)) {
					case "error" -> error = parameter.group(2);
					case "scope" -> scope = parameter.group(2);
					default -> {
					}
				}
			}
		}
		if ("use_dpop_nonce".equals(error) && nonce != null && this.dpop != null) {
			return new Challenge(Challenge.Type.USE_NONCE, null);
		}
		if (status == 401) {
			return new Challenge(Challenge.Type.RENEW_TOKEN, null);
		}
		if (status == 403 && "insufficient_scope".equals(error)) {
			return new Challenge(Challenge.Type.INSUFFICIENT_SCOPE, scope);
		}
		return Challenge.NONE;
	}

	@Override
	public void renew(Credential stale) {
		if (stale instanceof AccessToken token) {
			this.tokens.renew(token);
		}
	}

	/** Fetches a token now: the start-up check. */
	AccessToken verify() {
		return this.tokens.token();
	}

	@Override
	public String describe() {
		return "the OAuth 2.0 service app " + this.clientId + ((this.dpop != null) ? " (DPoP)" : " (no DPoP)");
	}

	@Override
	public String toString() {
		return "ServiceAppAuthorization[" + this.clientId + "]";
	}

}
