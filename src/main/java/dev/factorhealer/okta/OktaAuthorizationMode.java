package dev.factorhealer.okta;

/**
 * How the healer authenticates to Okta's management API
 * ({@code okta.client.authorization-mode}, written {@code SSWS} or {@code PrivateKey} as
 * in Okta's SDKs).
 */
public enum OktaAuthorizationMode {

	/**
	 * {@code Authorization: SSWS <API token>}: the token carries every right of the admin
	 * who made it.
	 */
	SSWS,

	/**
	 * An OAuth 2.0 service app: access tokens from {@code /oauth2/v1/token} by client
	 * credentials with {@code private_key_jwt}, limited to the granted scopes and admin
	 * role, DPoP-bound when {@code okta.client.dpop} is on.
	 */
	PRIVATE_KEY

}
