package dev.factorhealer.followup;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The follow-up's histograms: seconds to days, so the buckets reach past the 7-day
 * window.
 */
final class FollowUpMeters {

	private FollowUpMeters() {
	}

	static Timer durations(String name, String description, MeterRegistry registry) {
		return Timer.builder(name)
			.description(description)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofSeconds(1))
			.maximumExpectedValue(Duration.ofDays(30))
			.register(registry);
	}

}
