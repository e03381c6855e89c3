package dev.factorhealer.remediation;

import dev.factorhealer.deadletter.UnprocessableRecordException;

/**
 * A request whose result is {@code FAILED}: it is already recorded on the results topic
 * and goes to the stuck topic at once, its own retries having been spent inside the Okta
 * client.
 */
class RemediationFailedException extends UnprocessableRecordException {

	RemediationFailedException(String message) {
		super(message);
	}

}
