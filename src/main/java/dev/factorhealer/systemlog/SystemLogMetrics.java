package dev.factorhealer.systemlog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code healer_systemlog_events_total} (events made durable on {@code okta.events}),
 * {@code healer_systemlog_polls_total{status}} (one per poll: the HTTP status of Okta's
 * final answer, e.g. {@code 200}, {@code 429}, {@code 403}, or {@code error} when there
 * was no answer or the page could not be made durable) and
 * {@code healer_systemlog_lag_seconds} (now minus the poll's position: the newest
 * {@code published} seen, or the time of the last poll that found the log drained; NaN on
 * a replica that does not hold the lease, so {@code max()} over replicas is the poller's
 * lag).
 */
final class SystemLogMetrics {

	static final String EVENTS = "healer.systemlog.events";

	static final String POLLS = "healer.systemlog.polls";

	static final String LAG = "healer.systemlog.lag";

	static final String ERROR = "error";

	private final MeterRegistry registry;

	private final Counter events;

	private final Map<String, Counter> polls = new ConcurrentHashMap<>();

	SystemLogMetrics(MeterRegistry registry, DoubleSupplier lagSeconds) {
		this.registry = registry;
		this.events = Counter.builder(EVENTS)
			.description("System Log events made durable on okta.events by the poller")
			.register(registry);
		Gauge.builder(LAG, lagSeconds, DoubleSupplier::getAsDouble)
			.description("Now minus the System Log poller's position; NaN where this replica does not poll")
			.baseUnit("seconds")
			.strongReference(true)
			.register(registry);
		// the usual outcomes have a series from the start, like the hook's outcomes
		poll(SystemLogPoller.OK, 0);
		poll(ERROR, 0);
	}

	void durable(int count) {
		this.events.increment(count);
	}

	void poll(String status) {
		poll(status, 1);
	}

	private void poll(String status, int count) {
		this.polls
			.computeIfAbsent(status,
					key -> Counter.builder(POLLS)
						.description("System Log polls by Okta's answer (error: no answer, or not made durable)")
						.tag("status", key)
						.register(this.registry))
			.increment(count);
	}

}
