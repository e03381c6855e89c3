package dev.factorhealer.okta;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;

/** What the token endpoint answered; never logged whole. */
record TokenReply(int status, String dpopNonce, String accessToken, String tokenType, long expiresIn, String scope,
		String error, String description) {

	static TokenReply of(int status, HttpHeaders headers, byte[] body, JsonMapper mapper) {
		JsonNode json = null;
		try {
			json = (body.length > 0) ? mapper.readTree(body) : null;
		}
		catch (JacksonException ex) {
			// a body that is not JSON: status only
		}
		if (json == null || !json.isObject()) {
			return new TokenReply(status, headers.getFirst("DPoP-Nonce"), null, null, 0, null, null, null);
		}
		JsonNode expires = json.get("expires_in");
		return new TokenReply(status, headers.getFirst("DPoP-Nonce"), text(json, "access_token"),
				text(json, "token_type"), (expires != null && expires.isNumber()) ? expires.asLong() : 0,
				text(json, "scope"), text(json, "error"), text(json, "error_description"));
	}

	boolean isNonceChallenge() {
		return this.status == 400 && "use_dpop_nonce".equals(this.error) && this.dpopNonce != null;
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	@Override
	public String toString() {
		return "TokenReply[" + this.status + " " + this.error + "]";
	}

}
