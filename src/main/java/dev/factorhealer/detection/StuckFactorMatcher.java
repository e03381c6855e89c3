package dev.factorhealer.detection;

import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * The configured stuck-factor rules ({@code healer.detection.rules}) as a read-only
 * check, for the modules that must recognise the same failure the detector acts on (a
 * healed user failing again) without copying the rules.
 */
public final class StuckFactorMatcher {

	private final StuckFactorDetector detector;

	private final EventScreen screen;

	StuckFactorMatcher(StuckFactorDetector detector, EventScreen screen) {
		this.detector = detector;
		this.screen = screen;
	}

	/**
	 * Whether some rule could match a record the caller already found
	 * {@link RawEventBytes#isPlain plain} (then a plain byte search is exact):
	 * {@code false} only when no rule can. The bytes are not scanned for plainness again.
	 */
	public boolean mayMatchPlain(byte[] plainEvent) {
		return this.screen.mayShowPlain(plainEvent);
	}

	/**
	 * The user whose factor the event shows stuck, when a rule matches it and the event
	 * is one the detector acts on (a FAILURE of an eligible type; a match it only counts
	 * as ignored is none).
	 */
	public Optional<String> stuckUser(JsonNode event) {
		return this.detector.inspect(event)
			.filter(StuckFactorDetector.Match.class::isInstance)
			.map(finding -> ((StuckFactorDetector.Match) finding).userId());
	}

}
