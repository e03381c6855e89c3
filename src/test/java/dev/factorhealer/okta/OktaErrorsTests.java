package dev.factorhealer.okta;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classification of one attempt's failures: which kind Retry sees (and whether it
 * retries), and what the circuit breaker counts as an outage, ignores, or takes as a
 * success.
 */
class OktaErrorsTests {

	private static final Duration PERMIT_TIMEOUT = Duration.ofSeconds(30);

	@Test
	void eachFailureOfAnAttemptHasItsKind() {
		assertThat(kind(new OktaErrors.RetryableAnswer(reply(429)))).isEqualTo(FailureKind.THROTTLED);
		assertThat(kind(new OktaErrors.RetryableAnswer(reply(503)))).isEqualTo(FailureKind.SERVER_ERROR);
		assertThat(kind(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("okta"))))
			.isEqualTo(FailureKind.CIRCUIT_OPEN);
		assertThat(kind(RequestNotPermitted.createRequestNotPermitted(RateLimiter.ofDefaults("okta"))))
			.isEqualTo(FailureKind.NO_PERMIT);
		assertThat(kind(new OktaErrors.RepeatAnswer("401: renewing the access token"))).isEqualTo(FailureKind.REPEAT);
		assertThat(kind(timeout())).isEqualTo(FailureKind.TIMEOUT);
		assertThat(kind(connectionRefused())).isEqualTo(FailureKind.IO_ERROR);
	}

	@Test
	void everyFailureOfAnAttemptIsRetriedButTheDeadlineAnInterruptionAndARefusedTokenAreNot() {
		assertThat(FailureKind.values()).filteredOn(kind -> !kind.retryable)
			.containsExactlyInAnyOrder(FailureKind.DEADLINE, FailureKind.INTERRUPTED, FailureKind.TOKEN_REJECTED);
	}

	@Test
	void reasonsNameTheCircuitThePermitWaitAndTheRootCauseButNoBody() {
		assertThat(reason(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("okta"))))
			.isEqualTo("circuit breaker 'okta' is open");
		assertThat(reason(RequestNotPermitted.createRequestNotPermitted(RateLimiter.ofDefaults("okta"))))
			.isEqualTo("no budget permit within PT30S");
		assertThat(reason(timeout())).isEqualTo("timed out");
		assertThat(reason(connectionRefused())).isEqualTo("connection error (ConnectException: Connection refused)");
		assertThat(reason(new OktaErrors.RetryableAnswer(reply(503)))).isEqualTo("503");
	}

	@Test
	void theCircuitCountsServerErrorsTimeoutsAndConnectionErrorsAsOutages() {
		assertThat(OktaErrors.isOutage(new OktaErrors.RetryableAnswer(reply(500)))).isTrue();
		assertThat(OktaErrors.isOutage(timeout())).isTrue();
		assertThat(OktaErrors.isOutage(connectionRefused())).isTrue();
		assertThat(OktaErrors.isOutage(new OktaErrors.RetryableAnswer(reply(429)))).isFalse();
	}

	@Test
	void theCircuitIgnoresThrottlingNoPermitOutOfTimeAndCredentialRepeats() {
		OktaCall call = new OktaCall(null, Instant.now(), java.time.Clock.systemUTC(), null, null);
		assertThat(OktaErrors.isNotCounted(new OktaErrors.RetryableAnswer(reply(429)))).isTrue();
		assertThat(
				OktaErrors.isNotCounted(RequestNotPermitted.createRequestNotPermitted(RateLimiter.ofDefaults("okta"))))
			.isTrue();
		assertThat(OktaErrors.isNotCounted(call.fail(FailureKind.DEADLINE, "no permit before the deadline", null)))
			.isTrue();
		assertThat(OktaErrors.isNotCounted(new OktaErrors.RepeatAnswer("use_dpop_nonce"))).isTrue();
		assertThat(OktaErrors.isNotCounted(new OktaErrors.RetryableAnswer(reply(503)))).isFalse();
	}

	@Test
	void aTimeoutIsFoundAnywhereInTheCauseChain() {
		assertThat(OktaErrors
			.isTimeout(new ResourceAccessException("I/O error", new IOException(new SocketTimeoutException()))))
			.isTrue();
		assertThat(OktaErrors.isTimeout(connectionRefused())).isFalse();
	}

	@Test
	void anExceptionThatIsNoFailureOfAnAttemptIsNotClassified() {
		assertThat(OktaErrors.classify(new IllegalStateException("bug"), "okta", PERMIT_TIMEOUT)).isNull();
	}

	private static FailureKind kind(RuntimeException ex) {
		return OktaErrors.classify(ex, "okta", PERMIT_TIMEOUT).kind();
	}

	private static String reason(RuntimeException ex) {
		return OktaErrors.classify(ex, "okta", PERMIT_TIMEOUT).reason();
	}

	private static ResourceAccessException timeout() {
		return new ResourceAccessException("I/O error", new HttpTimeoutException("request timed out"));
	}

	private static ResourceAccessException connectionRefused() {
		return new ResourceAccessException("I/O error", new ConnectException("Connection refused"));
	}

	private static OktaReply reply(int status) {
		return OktaReply.of(status, new HttpHeaders(), new byte[0], JsonMapper.builder().build(), Instant.now());
	}

}
