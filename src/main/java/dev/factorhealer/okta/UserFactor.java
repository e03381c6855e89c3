package dev.factorhealer.okta;

import java.time.Instant;

/**
 * One enrolled factor of an Okta user, as {@code GET /api/v1/users/{userId}/factors}
 * lists it.
 *
 * @param id the factor id
 * @param factorType {@code sms}, {@code call}, {@code email}, {@code push}, ...
 * @param provider {@code OKTA} for sms
 * @param status {@code ACTIVE}, {@code PENDING_ACTIVATION}, {@code ENROLLED}, ...
 * @param created when the factor was enrolled ({@code null} when Okta did not say or the
 * value is not an ISO-8601 instant): a pending factor younger than the failure is a new
 * enrollment
 */
public record UserFactor(String id, String factorType, String provider, String status, Instant created) {

	public static final String PENDING_ACTIVATION = "PENDING_ACTIVATION";

	public UserFactor(String id, String factorType, String provider, String status) {
		this(id, factorType, provider, status, null);
	}

	public boolean isPendingActivation() {
		return PENDING_ACTIVATION.equals(this.status);
	}

}
