package dev.factorhealer.okta;

import java.util.regex.Pattern;

/**
 * The shape of an Okta object id (users {@code 00u...}, factors {@code sms...}, ...):
 * what may go into a URL path segment. Ids read from a record or from Okta's own answers
 * are checked before they reach a URL, so a tampered record or a malformed answer can't
 * address another resource.
 */
public final class OktaIds {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private OktaIds() {
	}

	public static boolean isValid(String id) {
		return id != null && ID.matcher(id).matches();
	}

}
