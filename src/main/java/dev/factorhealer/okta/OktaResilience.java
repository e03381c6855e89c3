package dev.factorhealer.okta;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The resilience4j registries of the okta module (core modules, no Spring Boot starter), bound to
 * Micrometer so that Prometheus shows {@code resilience4j_circuitbreaker_state},
 * {@code resilience4j_ratelimiter_available_permissions}, {@code resilience4j_retry_calls_total}
 * and their siblings for every Okta bucket ({@code name="okta"} for the factors bucket).
 */
final class OktaResilience {

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

}
