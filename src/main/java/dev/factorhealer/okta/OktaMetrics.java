package dev.factorhealer.okta;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code healer_okta_requests_seconds{operation,status}} (one sample per HTTP attempt;
 * status is the HTTP status, {@code IO_ERROR} or {@code TIMEOUT}),
 * {@code healer_okta_rate_limit_remaining} (the last {@code X-Rate-Limit-Remaining} seen,
 * NaN before the first answer) and {@code healer_okta_throttled_total} (429 answers).
 * Okta's own count per bucket ({@code healer_okta_rate_limit_remaining{bucket}} and
 * {@code healer_okta_rate_limit_limit{bucket}}, {@code bucket} = {@code factors} or
 * {@code logs}) sits beside our own budget
 * ({@code resilience4j_ratelimiter_available_permissions}), which is a different thing.
 */
final class OktaMetrics {

	static final String REQUESTS = "healer.okta.requests";

	static final String REMAINING = "healer.okta.rate.limit.remaining";

	static final String LIMIT = "healer.okta.rate.limit.limit";

	static final String THROTTLED = "healer.okta.throttled";

	static final String FACTORS_BUCKET = "factors";

	static final String LOGS_BUCKET = "logs";

	static final String IO_ERROR = "IO_ERROR";

	static final String TIMEOUT = "TIMEOUT";

	private final MeterRegistry registry;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final Counter throttled;

	private volatile double remaining = Double.NaN;

	private volatile double limit = Double.NaN;

	OktaMetrics(MeterRegistry registry) {
		this(registry, FACTORS_BUCKET);
	}

	/**
	 * @param bucket the Okta rate-limit bucket this client's calls count against
	 * ({@code factors}, {@code logs}); meters with the same name and tags are shared
	 * between instances
	 */
	OktaMetrics(MeterRegistry registry, String bucket) {
		this.registry = registry;
		this.throttled = Counter.builder(THROTTLED)
			.description("Okta answers with status 429 (rate limit exceeded)")
			.register(registry);
		Gauge.builder(REMAINING, this, metrics -> metrics.remaining)
			.description("Last X-Rate-Limit-Remaining Okta answered (Okta's count, not our budget)")
			.tag("bucket", bucket)
			.strongReference(true)
			.register(registry);
		Gauge.builder(LIMIT, this, metrics -> metrics.limit)
			.description("Last X-Rate-Limit-Limit Okta answered")
			.tag("bucket", bucket)
			.strongReference(true)
			.register(registry);
	}

	void request(String operation, String status, long nanos) {
		this.timers
			.computeIfAbsent(operation + ' ' + status,
					key -> Timer.builder(REQUESTS)
						.description("Okta API calls (one per HTTP attempt)")
						.tag("operation", operation)
						.tag("status", status)
						.publishPercentileHistogram()
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	void remaining(int value) {
		this.remaining = value;
	}

	void limit(int value) {
		this.limit = value;
	}

	void throttled() {
		this.throttled.increment();
	}

}
