package dev.factorhealer.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The bearer token check of every {@code /admin/*} endpoint: constant-time comparison
 * with {@code healer.admin.token}; refusals go to the rate-limited {@link RefusalLog}.
 */
public final class AdminAuthentication {

	private final byte[] expected;

	private final RefusalLog refusals;

	AdminAuthentication(String token, RefusalLog refusals) {
		this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
		this.refusals = refusals;
	}

	/**
	 * Whether the request carries the admin token; a refusal is noted in the refusal log.
	 */
	public boolean isAuthorized(HttpServletRequest request) {
		String presented = request.getHeader("Authorization");
		if (presented != null && MessageDigest.isEqual(this.expected, presented.getBytes(StandardCharsets.UTF_8))) {
			return true;
		}
		this.refusals.refused(request.getMethod() + " " + request.getRequestURI(), "missing or wrong bearer token",
				request.getRemoteAddr());
		return false;
	}

}
