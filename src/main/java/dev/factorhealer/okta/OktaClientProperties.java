package dev.factorhealer.okta;

import java.net.URI;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Okta org is and how to authenticate ({@code okta.client.*}, named as in Okta's own
 * SDKs). Whether plain http is allowed is {@link OktaTestingProperties}' business.
 *
 * @param orgUrl the org's base URL, e.g. {@code https://example.okta.com} (a trailing slash is
 * dropped; no path, query or fragment). Required.
 * @param token the SSWS API token, without the {@code SSWS } prefix. Required; never printed.
 */
@Validated
@ConfigurationProperties("okta.client")
record OktaClientProperties(
		@NotNull(message = "set the Okta org URL: okta.client.org-url (environment variable OKTA_CLIENT_ORGURL), e.g. https://example.okta.com") URI orgUrl,
		@NotBlank(message = "set the Okta API token: okta.client.token (environment variable OKTA_CLIENT_TOKEN)") String token) {

	OktaClientProperties {
		orgUrl = withoutTrailingSlash(orgUrl);
	}

	@AssertTrue(message = "okta.client.org-url (OKTA_CLIENT_ORGURL) must be the org's base URL such as https://example.okta.com: "
			+ "http or https, a host, and no user info, path, query or fragment")
	boolean isOrgUrlABaseUrl() {
		if (this.orgUrl == null) {
			return true;
		}
		String scheme = this.orgUrl.getScheme();
		return this.orgUrl.isAbsolute() && !this.orgUrl.isOpaque()
				&& ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme)) && this.orgUrl.getHost() != null
				&& this.orgUrl.getRawUserInfo() == null && (this.orgUrl.getRawPath() == null || this.orgUrl.getRawPath().isEmpty())
				&& this.orgUrl.getRawQuery() == null && this.orgUrl.getRawFragment() == null;
	}

	@AssertTrue(message = "okta.client.token (OKTA_CLIENT_TOKEN) is the bare API token: leave out the 'SSWS ' prefix and spaces")
	boolean isTokenBare() {
		return this.token == null || this.token.isBlank()
				|| (!this.token.regionMatches(true, 0, "SSWS ", 0, 5) && this.token.strip().equals(this.token));
	}

	boolean usesHttps() {
		return this.orgUrl != null && "https".equalsIgnoreCase(this.orgUrl.getScheme());
	}

	@Override
	public String toString() {
		// never print the token itself
		return "OktaClientProperties[orgUrl=" + this.orgUrl + ", token="
				+ ((this.token == null || this.token.isBlank()) ? "(not set)" : "(set)") + "]";
	}

	private static URI withoutTrailingSlash(URI url) {
		if (url == null || !"/".equals(url.getRawPath()) || url.getRawQuery() != null || url.getRawFragment() != null) {
			return url;
		}
		String text = url.toString();
		return URI.create(text.substring(0, text.length() - 1));
	}

}
