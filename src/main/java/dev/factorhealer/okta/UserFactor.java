package dev.factorhealer.okta;

/**
 * One enrolled factor of an Okta user, as {@code GET /api/v1/users/{userId}/factors} lists it.
 *
 * @param id the factor id
 * @param factorType {@code sms}, {@code call}, {@code email}, {@code push}, ...
 * @param provider {@code OKTA} for sms
 * @param status {@code ACTIVE}, {@code PENDING_ACTIVATION}, {@code ENROLLED}, ...
 */
public record UserFactor(String id, String factorType, String provider, String status) {

	public static final String PENDING_ACTIVATION = "PENDING_ACTIVATION";

	public boolean isPendingActivation() {
		return PENDING_ACTIVATION.equals(this.status);
	}

}
