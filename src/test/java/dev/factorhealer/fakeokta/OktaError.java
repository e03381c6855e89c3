package dev.factorhealer.fakeokta;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An Okta-style error answer:
 * {@code errorCode, errorSummary, errorLink, errorId, errorCauses[]}.
 */
record OktaError(int status, String errorCode, String errorSummary, List<String> causes) {

	static final String NOT_FOUND = "E0000007";
	static final String INVALID_TOKEN = "E0000011";
	static final String RATE_LIMITED = "E0000047";
	static final String FORBIDDEN = "E0000006";
	static final String VALIDATION = "E0000001";
	static final String INVALID_SEARCH = "E0000031";
	static final String METHOD_NOT_ALLOWED = "E0000022";
	static final String INTERNAL = "E0000009";

	private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	OktaError {
		causes = List.copyOf(causes);
	}

	static OktaError of(int status, String code, String summary) {
		return new OktaError(status, code, summary, List.of());
	}

	static OktaError notFound(String id, String type) {
		return of(404, NOT_FOUND, "Not found: Resource not found: " + id + " (" + type + ")");
	}

	static OktaError invalidToken() {
		return of(401, INVALID_TOKEN, "Invalid token provided");
	}

	static OktaError rateLimited() {
		return of(429, RATE_LIMITED, "API call exceeded rate limit due to too many requests.");
	}

	static OktaError validation(String field, String cause) {
		return new OktaError(400, VALIDATION, "Api validation failed: " + field, List.of(cause));
	}

	/** The body used for an injected failure of the given status. */
	static OktaError forStatus(int status) {
		return switch (status) {
			case 400 -> of(400, VALIDATION, "Api validation failed");
			case 401 -> invalidToken();
			case 403 -> of(403, FORBIDDEN, "You do not have permission to perform the requested action");
			case 404 -> of(404, NOT_FOUND, "Not found: Resource not found");
			case 405 -> of(405, METHOD_NOT_ALLOWED, "The endpoint does not support the provided HTTP method");
			case 429 -> rateLimited();
			case 500 -> of(500, INTERNAL, "Internal Server Error");
			case 502 -> of(502, INTERNAL, "Bad Gateway");
			case 503 -> of(503, INTERNAL, "Service Unavailable");
			case 504 -> of(504, INTERNAL, "Gateway Timeout");
			default -> of(status, status >= 500 ? INTERNAL : VALIDATION, "HTTP " + status);
		};
	}

	String toJson() {
		ObjectNode node = FakeOktaOrg.JSON.createObjectNode();
		node.put("errorCode", errorCode);
		node.put("errorSummary", errorSummary);
		node.put("errorLink", errorCode);
		node.put("errorId", newErrorId());
		ArrayNode array = node.putArray("errorCauses");
		for (String cause : causes) {
			array.addObject().put("errorSummary", cause);
		}
		return FakeOktaOrg.JSON.writeValueAsString(node);
	}

	static String newErrorId() {
		return "oae" + randomAlphanumeric(20);
	}

	static String randomAlphanumeric(int length) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		StringBuilder sb = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			sb.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
		}
		return sb.toString();
	}
}
