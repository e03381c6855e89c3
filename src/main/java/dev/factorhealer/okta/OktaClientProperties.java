package dev.factorhealer.okta;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Okta org is and how to authenticate ({@code okta.client.*}, named as in
 * Okta's own SDKs). Whether plain http is allowed is {@link OktaTestingProperties}'
 * business. Secrets (the API token, the private key) are never printed, not even in a
 * validation message.
 *
 * @param orgUrl the org's base URL, e.g. {@code https://example.okta.com} (a trailing
 * slash is dropped; no path, query or fragment). Required.
 * @param authorizationMode {@code SSWS} (an API token, the default) or {@code PrivateKey}
 * (an OAuth 2.0 service app)
 * @param token the SSWS API token, without the {@code SSWS } prefix. Required in SSWS
 * mode only.
 * @param clientId the service app's client id. Required in PrivateKey mode only.
 * @param privateKey the service app's private key (RSA or EC, PKCS#8 PEM or a private
 * JWK): the key itself, or the path of a file holding it. Required in PrivateKey mode
 * only.
 * @param kid the key id of the app's public key in Okta; needed when the app has several
 * keys (a JWK's own {@code kid} is used when this is not set)
 * @param scopes the scopes to request, separated by spaces or commas
 * @param dpop bind the access tokens to a key of the service (DPoP, RFC 9449); Okta's
 * default for new service apps, and the app's "Require DPoP" setting must match
 */
@Validated
@ConfigurationProperties("okta.client")
public record OktaClientProperties(@NotNull(
		message = "set the Okta org URL: okta.client.org-url (environment variable OKTA_CLIENT_ORGURL), e.g. https://example.okta.com") URI orgUrl,
		@DefaultValue("SSWS") OktaAuthorizationMode authorizationMode, String token, String clientId, String privateKey,
		String kid, @DefaultValue(DEFAULT_SCOPES) String scopes, @DefaultValue("true") boolean dpop) {

	/** What the healer needs: list and delete factors, read the System Log. */
	static final String DEFAULT_SCOPES = "okta.users.manage okta.logs.read";

	@ConstructorBinding
	public OktaClientProperties {
		orgUrl = withoutTrailingSlash(orgUrl);
		authorizationMode = (authorizationMode != null) ? authorizationMode : OktaAuthorizationMode.SSWS;
		scopes = (scopes != null) ? scopes : DEFAULT_SCOPES;
	}

	/** SSWS mode with an API token. */
	OktaClientProperties(URI orgUrl, String token) {
		this(orgUrl, OktaAuthorizationMode.SSWS, token, null, null, null, DEFAULT_SCOPES, true);
	}

	@AssertTrue(message = "set the Okta API token: okta.client.token (environment variable OKTA_CLIENT_TOKEN), "
			+ "or use an OAuth 2.0 service app: okta.client.authorization-mode=PrivateKey (OKTA_CLIENT_AUTHORIZATIONMODE)")
	boolean isTokenSetForSsws() {
		return this.authorizationMode != OktaAuthorizationMode.SSWS || (this.token != null && !this.token.isBlank());
	}

	@AssertTrue(message = "okta.client.authorization-mode=PrivateKey needs the service app's client id: "
			+ "okta.client.client-id (OKTA_CLIENT_CLIENTID)")
	boolean isClientIdSetForPrivateKey() {
		return this.authorizationMode != OktaAuthorizationMode.PRIVATE_KEY
				|| (this.clientId != null && !this.clientId.isBlank());
	}

	@AssertTrue(message = "okta.client.authorization-mode=PrivateKey needs the service app's private key: "
			+ "okta.client.private-key (OKTA_CLIENT_PRIVATEKEY), a PEM or the path of a PEM file")
	boolean isPrivateKeySetForPrivateKey() {
		return this.authorizationMode != OktaAuthorizationMode.PRIVATE_KEY
				|| (this.privateKey != null && !this.privateKey.isBlank());
	}

	@AssertTrue(
			message = "okta.client.scopes (OKTA_CLIENT_SCOPES) must name at least one scope, e.g. " + DEFAULT_SCOPES)
	boolean isScopesSet() {
		return this.authorizationMode != OktaAuthorizationMode.PRIVATE_KEY || !scopeList().isEmpty();
	}

	@AssertTrue(
			message = "okta.client.org-url (OKTA_CLIENT_ORGURL) must be the org's base URL such as https://example.okta.com: "
					+ "http or https, a host, and no user info, path, query or fragment")
	boolean isOrgUrlABaseUrl() {
		if (this.orgUrl == null) {
			return true;
		}
		String scheme = this.orgUrl.getScheme();
		return this.orgUrl.isAbsolute() && !this.orgUrl.isOpaque()
				&& ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
				&& this.orgUrl.getHost() != null && this.orgUrl.getRawUserInfo() == null
				&& (this.orgUrl.getRawPath() == null || this.orgUrl.getRawPath().isEmpty())
				&& this.orgUrl.getRawQuery() == null && this.orgUrl.getRawFragment() == null;
	}

	@AssertTrue(
			message = "okta.client.token (OKTA_CLIENT_TOKEN) is the bare API token: leave out the 'SSWS ' prefix and spaces")
	boolean isTokenBare() {
		return this.authorizationMode != OktaAuthorizationMode.SSWS || this.token == null || this.token.isBlank()
				|| (!this.token.regionMatches(true, 0, "SSWS ", 0, 5) && this.token.strip().equals(this.token));
	}

	boolean usesHttps() {
		return this.orgUrl != null && "https".equalsIgnoreCase(this.orgUrl.getScheme());
	}

	/**
	 * The same settings asking for other scopes (the set-up commands ask only for what
	 * they need).
	 */
	OktaClientProperties withScopes(String otherScopes) {
		return new OktaClientProperties(this.orgUrl, this.authorizationMode, this.token, this.clientId, this.privateKey,
				this.kid, otherScopes, this.dpop);
	}

	/** The scopes to request, in order, without duplicates. */
	List<String> scopeList() {
		if (this.scopes == null) {
			return List.of();
		}
		return Arrays.stream(this.scopes.split("[\\s,]+")).filter(scope -> !scope.isBlank()).distinct().toList();
	}

	@Override
	public String toString() {
		// never print the token or the key itself
		if (this.authorizationMode == OktaAuthorizationMode.SSWS) {
			return "OktaClientProperties[orgUrl=" + this.orgUrl + ", token=" + setOrNot(this.token) + "]";
		}
		return "OktaClientProperties[orgUrl=" + this.orgUrl + ", authorizationMode=PrivateKey, clientId="
				+ this.clientId + ", privateKey=" + setOrNot(this.privateKey) + ", kid=" + this.kid + ", scopes="
				+ scopeList() + ", dpop=" + this.dpop + "]";
	}

	private static String setOrNot(String secret) {
		return (secret == null || secret.isBlank()) ? "(not set)" : "(set)";
	}

	private static URI withoutTrailingSlash(URI url) {
		if (url == null || !"/".equals(url.getRawPath()) || url.getRawQuery() != null || url.getRawFragment() != null) {
			return url;
		}
		String text = url.toString();
		return URI.create(text.substring(0, text.length() - 1));
	}

}
