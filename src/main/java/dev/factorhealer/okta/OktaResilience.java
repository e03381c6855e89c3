package dev.factorhealer.okta;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resilience4j registries of the okta module (core modules, no Spring Boot starter),
 * bound to Micrometer so that Prometheus shows {@code resilience4j_circuitbreaker_state},
 * {@code resilience4j_ratelimiter_available_permissions},
 * {@code resilience4j_retry_calls_total} and their siblings for every Okta bucket
 * ({@code name="okta"} for the factors bucket), and the circuit breaker and retry policy
 * of each bucket, built from {@code healer.okta.*}.
 */
final class OktaResilience {

	private static final Logger log = LoggerFactory.getLogger(OktaResilience.class);

	final RateLimiterRegistry rateLimiters = RateLimiterRegistry.ofDefaults();

	final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();

	final RetryRegistry retries = RetryRegistry.ofDefaults();

	OktaResilience(MeterRegistry registry) {
		TaggedRateLimiterMetrics.ofRateLimiterRegistry(this.rateLimiters).bindTo(registry);
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(this.circuitBreakers).bindTo(registry);
		TaggedRetryMetrics.ofRetryRegistry(this.retries).bindTo(registry);
	}

	void requireUnused(String name) {
		if (this.rateLimiters.find(name).isPresent() || this.circuitBreakers.find(name).isPresent()
				|| this.retries.find(name).isPresent()) {
			throw new IllegalStateException("An Okta bucket named '" + name + "' exists already");
		}
	}

	/**
	 * Count-based over the last {@code circuit-window} calls; 5xx answers, timeouts and
	 * connection errors are failures, every other answer a success, 429 and waits that
	 * ran out of time are not counted ({@link OktaErrors}). Open for
	 * {@code circuit-open-for}, then half-open on its own. Every transition is one WARN
	 * line.
	 */
	CircuitBreaker circuitBreaker(String name, OktaPolicyProperties policy) {
		int window = policy.circuitWindow();
		CircuitBreaker circuitBreaker = this.circuitBreakers.circuitBreaker(name,
				CircuitBreakerConfig.custom()
					.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
					.slidingWindowSize(window)
					.minimumNumberOfCalls(window)
					.failureRateThreshold(policy.circuitFailureRate())
					.waitDurationInOpenState(policy.circuitOpenFor())
					.automaticTransitionFromOpenToHalfOpenEnabled(true)
					.permittedNumberOfCallsInHalfOpenState(Math.min(3, window))
					// waits for the gate or a permit are not slowness of Okta; timeouts
					// are failures already
					.slowCallDurationThreshold(Duration.ofDays(1))
					.recordException(OktaErrors::isOutage)
					.ignoreException(OktaErrors::isNotCounted)
					.writableStackTraceEnabled(false)
					.build());
		circuitBreaker.getEventPublisher()
			.onStateTransition(
					event -> log.warn("Okta circuit breaker '{}': {} (failure rate {}% over the last {} calls)", name,
							event.getStateTransition(), circuitBreaker.getMetrics().getFailureRate(),
							circuitBreaker.getMetrics().getNumberOfBufferedCalls()));
		return circuitBreaker;
	}

	/**
	 * Up to {@code max-attempts} HTTP attempts per call, retrying the
	 * {@link FailureKind#retryable} failures after the waits of {@code waits}; the last
	 * failure is thrown, not wrapped.
	 */
	Retry retry(String name, OktaPolicyProperties policy, IntervalBiFunction<OktaReply> waits) {
		return this.retries.retry(name,
				RetryConfig.<OktaReply>custom()
					.maxAttempts(policy.maxAttempts())
					.retryOnException(ex -> ex instanceof FailedAttempt failed && failed.kind.retryable)
					.intervalBiFunction(waits)
					.failAfterMaxAttempts(false)
					.writableStackTraceEnabled(false)
					.build());
	}

}
