package dev.factorhealer.okta;

/** What a {@code DELETE /api/v1/users/{userId}/factors/{factorId}} achieved. */
public enum Unenrollment {

	/** 204: the factor was removed by this call. */
	DELETED,

	/**
	 * 404: the factor was already gone (a second DELETE right after a successful one
	 * answers so).
	 */
	ALREADY_REMOVED

}
