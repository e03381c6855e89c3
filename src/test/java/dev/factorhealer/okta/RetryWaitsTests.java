package dev.factorhealer.okta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.github.resilience4j.core.functions.Either;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;

import dev.factorhealer.okta.OktaHttp.OktaRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waits between attempts: resilience4j's exponential random backoff within
 * {@code initial-backoff} and {@code max-backoff}, the gate's reset after a 429, no wait
 * for a repeat, and never a wait past the deadline.
 */
class RetryWaitsTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	private static final Duration INITIAL = Duration.ofMillis(500);

	private static final Duration MAX = Duration.ofSeconds(20);

	private final ThrottleGate gate = new ThrottleGate("okta", CLOCK, 0, Duration.ofSeconds(60),
			new OktaMetrics(new SimpleMeterRegistry()));

	private final RetryWaits waits = new RetryWaits(this.gate, INITIAL, MAX);

	@Test
	void theBackoffDoublesWithEqualJitterBetweenTheInitialAndTheMaximumWait() {
		for (int i = 0; i < 200; i++) {
			assertThat(this.waits.backoff(1)).isEqualTo(INITIAL);
			assertThat(this.waits.backoff(2)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
			assertThat(this.waits.backoff(4)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(4000));
			assertThat(this.waits.backoff(12)).isBetween(Duration.ofSeconds(10), MAX);
		}
	}

	@Test
	void aServerErrorWaitsTheBackoffAndA429WaitsForTheGate() {
		OktaCall call = call(NOW.plusSeconds(60));
		assertThat(this.waits.apply(2, failed(call, FailureKind.SERVER_ERROR))).isBetween(500L, 1000L);

		this.gate.closeUntil(NOW.plusSeconds(7));
		assertThat(this.waits.apply(2, failed(call, FailureKind.THROTTLED))).isEqualTo(7000L);
		assertThat(call.giveUp).isNull();
	}

	@Test
	void aRepeatForTheCredentialAndAStaleReadGoOnAtOnce() {
		OktaCall call = call(NOW.plusSeconds(60));
		assertThat(this.waits.apply(3, failed(call, FailureKind.REPEAT))).isZero();
		assertThat(this.waits.apply(3, failed(call, FailureKind.STALE))).isZero();
	}

	@Test
	void aWaitThatWouldPassTheDeadlineGivesTheCallUpInstead() {
		OktaCall call = call(NOW.plusMillis(300));
		assertThat(this.waits.apply(1, failed(call, FailureKind.TIMEOUT))).isZero();
		assertThat(call.giveUp).contains("no time left before the deadline");

		OktaCall throttled = call(NOW.plusSeconds(5));
		this.gate.closeUntil(NOW.plusSeconds(10));
		assertThat(this.waits.apply(1, failed(throttled, FailureKind.THROTTLED))).isZero();
		assertThat(throttled.giveUp).contains("the rate limit resets at " + NOW.plusSeconds(10));
	}

	private static OktaCall call(Instant deadline) {
		return new OktaCall(new OktaRequest("list_factors", HttpMethod.GET,
				java.net.URI.create("https://example.okta.com"), "user 00u1"), deadline, CLOCK, null, null);
	}

	private static Either<Throwable, OktaReply> failed(OktaCall call, FailureKind kind) {
		return Either.left(call.fail(kind, kind.name().toLowerCase(), null));
	}

}
