package dev.factorhealer.remediation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code live} deletes; {@code dry-run} (the default of {@code healer.remediation.mode})
 * never deletes. The current one is {@link RemediationModeSwitch#current()}.
 */
public enum RemediationMode {

	LIVE("live"), DRY_RUN("dry-run");

	private final String label;

	RemediationMode(String label) {
		this.label = label;
	}

	/**
	 * As written in settings, on the mode topic and in results: {@code live},
	 * {@code dry-run}.
	 */
	@JsonValue
	public String label() {
		return this.label;
	}

	/**
	 * @throws IllegalArgumentException for anything but {@code live} and {@code dry-run}
	 */
	@JsonCreator
	public static RemediationMode of(String label) {
		for (RemediationMode mode : values()) {
			if (mode.label.equals(label)) {
				return mode;
			}
		}
		throw new IllegalArgumentException("mode must be 'live' or 'dry-run'");
	}

}
