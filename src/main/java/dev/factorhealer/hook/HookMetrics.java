package dev.factorhealer.hook;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code healer_hook_requests_total{outcome}}, {@code healer_hook_events_total} and
 * {@code healer_hook_publish_seconds}.
 */
class HookMetrics {

	enum Outcome {

		ACCEPTED, UNAUTHORIZED, INVALID, TOO_LARGE, UNSUPPORTED_MEDIA, UNAVAILABLE

	}

	private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);

	private final Counter events;

	private final Timer publish;

	HookMetrics(MeterRegistry registry) {
		for (Outcome outcome : Outcome.values()) {
			this.requests.put(outcome,
					Counter.builder("healer.hook.requests")
						.description("Event hook calls by answer")
						.tag("outcome", outcome.name().toLowerCase())
						.register(registry));
		}
		this.events = Counter.builder("healer.hook.events").description("Events made durable").register(registry);
		this.publish = Timer.builder("healer.hook.publish")
			.description("Time from request to all Kafka acknowledgements")
			.publishPercentileHistogram()
			.register(registry);
	}

	void request(Outcome outcome) {
		this.requests.get(outcome).increment();
	}

	void durable(int count, long nanos) {
		this.events.increment(count);
		this.publish.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
	}

}
