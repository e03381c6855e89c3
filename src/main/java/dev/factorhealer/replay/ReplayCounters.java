package dev.factorhealer.replay;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code healer_replay_records_total{result}}: every result's series exists, at 0, from
 * the start.
 */
final class ReplayCounters {

	private final Map<ReplayResult, Counter> counters = new EnumMap<>(ReplayResult.class);

	ReplayCounters(MeterRegistry registry) {
		for (ReplayResult result : ReplayResult.values()) {
			this.counters.put(result,
					Counter.builder("healer.replay.records")
						.description("Replay work")
						.tag("result", result.tag())
						.register(registry));
		}
	}

	void increment(ReplayResult result, long amount) {
		this.counters.get(result).increment(amount);
	}

}
