package dev.factorhealer.setup;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the set-up commands ({@code healer.setup.*}).
 *
 * @param hookName the name of the service's event hook in Okta: {@code hook create} finds
 * (and updates) the hook by it, {@code hook show} and {@code doctor} look for it
 * @param hookEventTypes the event types the hook asks Okta to deliver: the hook-eligible
 * types in which the detection sees the stuck-factor error
 * ({@code system.sms.send_factor_verify_message} cannot be delivered by a hook: the
 * System Log poller reads it). The one list to extend when a feature needs more events.
 */
@Validated
@ConfigurationProperties("healer.setup")
record SetupProperties(
		@DefaultValue(DEFAULT_HOOK_NAME) @NotBlank(
				message = "healer.setup.hook-name must not be blank") String hookName,
		@DefaultValue( {
				AUTH_VIA_MFA, SEND_PHONE_VERIFICATION_SMS, FACTOR_ACTIVATE }) @NotEmpty(
						message = "healer.setup.hook-event-types must name at least one event type") List<String> hookEventTypes){

	static final String DEFAULT_HOOK_NAME = "okta-factor-healer";

	/** A factor check; its FAILURE carries the stuck-factor error. */
	static final String AUTH_VIA_MFA = "user.authentication.auth_via_mfa";

	/** An SMS sent during enrollment or verification. */
	static final String SEND_PHONE_VERIFICATION_SMS = "system.sms.send_phone_verification_message";

	/**
	 * A factor turned ACTIVE: how the follow-up sees a healed user enroll SMS again
	 * ({@code followup.FollowUpEvents#TYPES}).
	 */
	static final String FACTOR_ACTIVATE = "user.mfa.factor.activate";

}
