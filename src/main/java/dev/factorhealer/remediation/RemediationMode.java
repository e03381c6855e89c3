package dev.factorhealer.remediation;

/** {@code healer.remediation.mode}: {@code dry-run} (the default) never deletes. */
enum RemediationMode {

	LIVE("live"), DRY_RUN("dry-run");

	private final String label;

	RemediationMode(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
	}

}
