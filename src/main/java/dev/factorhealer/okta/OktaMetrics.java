package dev.factorhealer.okta;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code healer_okta_requests_seconds{operation,status}} (one sample per HTTP attempt; status is
 * the HTTP status, {@code IO_ERROR} or {@code TIMEOUT}), {@code healer_okta_rate_limit_remaining}
 * (the last {@code X-Rate-Limit-Remaining} seen, NaN before the first answer) and
 * {@code healer_okta_throttled_total} (429 answers). The remaining-gauge has no bucket tag and
 * reports the factors bucket only: the System Log bucket's instance is built with
 * {@code reportsRemaining = false} so that its answers do not overwrite it.
 */
final class OktaMetrics {

	static final String REQUESTS = "healer.okta.requests";

	static final String REMAINING = "healer.okta.rate.limit.remaining";

	static final String THROTTLED = "healer.okta.throttled";

	static final String IO_ERROR = "IO_ERROR";

	static final String TIMEOUT = "TIMEOUT";

	private final MeterRegistry registry;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final Counter throttled;

	private final boolean reportsRemaining;

	private volatile double remaining = Double.NaN;

	OktaMetrics(MeterRegistry registry) {
		this(registry, true);
	}

	/**
	 * @param reportsRemaining whether this bucket's {@code X-Rate-Limit-Remaining} feeds
	 * {@code healer_okta_rate_limit_remaining}; meters with the same name and tags are shared
	 * between instances
	 */
	OktaMetrics(MeterRegistry registry, boolean reportsRemaining) {
		this.registry = registry;
		this.reportsRemaining = reportsRemaining;
		this.throttled = Counter.builder(THROTTLED)
			.description("Okta answers with status 429 (rate limit exceeded)")
			.register(registry);
		if (reportsRemaining) {
			Gauge.builder(REMAINING, this, metrics -> metrics.remaining)
				.description("Last X-Rate-Limit-Remaining Okta answered")
				.strongReference(true)
				.register(registry);
		}
	}

	void request(String operation, String status, long nanos) {
		this.timers.computeIfAbsent(operation + ' ' + status, key -> Timer.builder(REQUESTS)
			.description("Okta API calls (one per HTTP attempt)")
			.tag("operation", operation)
			.tag("status", status)
			.publishPercentileHistogram()
			.register(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
	}

	void remaining(int value) {
		if (this.reportsRemaining) {
			this.remaining = value;
		}
	}

	void throttled() {
		this.throttled.increment();
	}

}
