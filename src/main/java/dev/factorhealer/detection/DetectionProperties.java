package dev.factorhealer.detection;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the detector ({@code healer.detection.*}).
 *
 * @param rules what a stuck factor looks like in a System Log event
 * @param dedupeTtl how long an event uuid is remembered
 * @param dedupeMaxEvents how many uuids are remembered at most (memory bound)
 * @param coalesceWindow at most one request per user within this window
 * @param coalesceMaxUsers how many users are remembered at most for coalescing
 */
@Validated
@ConfigurationProperties("healer.detection")
record DetectionProperties(@NotEmpty @Valid List<Rule> rules, @DefaultValue("24h") @NotNull Duration dedupeTtl,
		@DefaultValue("200000") @Min(1000) long dedupeMaxEvents, @DefaultValue("10m") @NotNull Duration coalesceWindow,
		@DefaultValue("100000") @Min(100) long coalesceMaxUsers) {

	/** An exact event type, a prefix ending in {@code .*}, or {@code *}. */
	private static final String EVENT_TYPE = "\\*|[\\w-]+(\\.[\\w-]+)*(\\.\\*)?";

	private static final String EVENT_TYPES = "must list event types: exact names (user.authentication.auth_via_mfa), "
			+ "prefixes ending in .* (system.sms.*), or * for any type";

	private static final String OUTCOME_RESULTS = "must list outcome.result values as Okta writes them, in capitals "
			+ "(FAILURE)";

	/**
	 * One pattern rule. The text of a stuck factor also shows in events that are no SMS
	 * failure (a SUCCESS quoting an old error, an admin's search), so a rule acts only on
	 * failures of the types where SMS failures show; the defaults live here, so rules of
	 * a deployment's own config get them too.
	 *
	 * @param name the rule's name (the {@code rule} tag of
	 * {@code healer_detection_matches_total})
	 * @param pattern a Java regex searched in {@code outcome.reason},
	 * {@code displayMessage} and every string in {@code debugContext.debugData}; a named
	 * group {@code userId}, when present, gives the user id
	 * @param eventTypes only events of these types: exact names, prefixes ending in
	 * {@code .*} ({@code system.sms.*} is every type starting with {@code system.sms.}),
	 * or {@code *} for any
	 * @param outcomeResults only events with one of these {@code outcome.result} (exact,
	 * e.g. {@code FAILURE})
	 * @param factorType the factor type the remediation should unenroll
	 */
	record Rule(@NotBlank String name, @NotBlank String pattern, @DefaultValue( {
			"system.sms.*", "user.mfa.*", "user.authentication.*" }) @NotEmpty(
					message = EVENT_TYPES) List<@NotNull @jakarta.validation.constraints.Pattern(regexp = EVENT_TYPE,
							message = EVENT_TYPES) String> eventTypes,
			@DefaultValue("FAILURE") @NotEmpty(
					message = OUTCOME_RESULTS) List<@NotNull @jakarta.validation.constraints.Pattern(regexp = "[A-Z_]+",
							message = OUTCOME_RESULTS) String> outcomeResults,
			@DefaultValue("sms") @NotBlank String factorType){

		@AssertTrue(message = "pattern must be a valid Java regular expression")
		boolean isPatternValid() {
			if (this.pattern == null) {
				return true;
			}
			try {
				Pattern.compile(this.pattern);
				return true;
			}
			catch (PatternSyntaxException ex) {
				return false;
			}
		}

	}

}
