package dev.factorhealer.okta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throttle gate on its own, on a fixed clock: what each answer's rate-limit headers
 * do to it, that it only ever closes later, and that a caller never waits past its
 * deadline.
 */
@ExtendWith(OutputCaptureExtension.class)
class ThrottleGateTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	private static final Duration MAX_RESET_WAIT = Duration.ofSeconds(60);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ThrottleGate gate = new ThrottleGate("okta", Clock.fixed(NOW, ZoneOffset.UTC), 0, MAX_RESET_WAIT,
			new OktaMetrics(this.registry));

	@Test
	void aFreshGateIsOpen() throws InterruptedException {
		assertThat(this.gate.closedFor()).isZero();
		assertThat(this.gate.awaitOpen(NOW)).isTrue();
	}

	@Test
	void a429ClosesTheGateUntilOktasResetPlusTheMargin() {
		this.gate.observe(reply(429, "0", NOW.plusSeconds(5)), "list_factors user 00u1");

		assertThat(this.gate.opensAt()).isEqualTo(NOW.plusSeconds(5).plus(ThrottleGate.GATE_MARGIN));
		assertThat(this.gate.closedFor()).isEqualTo(Duration.ofSeconds(5).plus(ThrottleGate.GATE_MARGIN));
		assertThat(this.registry.get(OktaMetrics.THROTTLED).counter().count()).isEqualTo(1);
		assertThat(this.registry.get(OktaMetrics.REMAINING).gauge().value()).isZero();
	}

	@Test
	void anEmptyBucketClosesTheGateWithoutA429AndARemainingCountAboveTheFloorDoesNot() {
		this.gate.observe(reply(200, "3", NOW.plusSeconds(5)), "list_factors user 00u1");
		assertThat(this.gate.closedFor()).isZero();

		this.gate.observe(reply(200, "0", NOW.plusSeconds(5)), "list_factors user 00u1");
		assertThat(this.gate.opensAt()).isEqualTo(NOW.plusSeconds(5).plus(ThrottleGate.GATE_MARGIN));
		assertThat(this.registry.get(OktaMetrics.THROTTLED).counter().count()).isZero();
	}

	@Test
	void anUntrustedResetClosesTheGateForExactlyTheMaximumWaitWithOneWarning(CapturedOutput output) {
		this.gate.observe(reply(429, "0", "1764590405000"), "delete_factor user 00u1 factor sms1");

		assertThat(this.gate.opensAt()).isEqualTo(NOW.plus(MAX_RESET_WAIT));
		assertThat(output).contains("X-Rate-Limit-Reset '1764590405000'").contains("healer.okta.max-reset-wait");
	}

	@Test
	void closingOnlyEverMovesTheOpeningLater() {
		assertThat(this.gate.closeUntil(NOW.plusSeconds(5))).isTrue();
		assertThat(this.gate.closeUntil(NOW.plusSeconds(2))).isFalse();
		assertThat(this.gate.opensAt()).isEqualTo(NOW.plusSeconds(5));
		assertThat(this.gate.closeUntil(NOW.plusSeconds(7))).isTrue();
		assertThat(this.gate.opensAt()).isEqualTo(NOW.plusSeconds(7));
	}

	@Test
	void aCallerWhoseDeadlineComesFirstDoesNotWait() throws InterruptedException {
		this.gate.closeUntil(NOW.plusSeconds(30));
		long started = System.nanoTime();

		assertThat(this.gate.awaitOpen(NOW.plusSeconds(10))).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void aWaitingCallerGoesOnOnceTheGateHasOpened() throws InterruptedException {
		ThrottleGate live = new ThrottleGate("okta", Clock.systemUTC(), 0, MAX_RESET_WAIT,
				new OktaMetrics(this.registry));
		Instant opens = Instant.now().plusMillis(300);
		live.closeUntil(opens);

		assertThat(live.awaitOpen(opens.plusSeconds(5))).isTrue();
		assertThat(Instant.now()).isAfterOrEqualTo(opens);
	}

	private static OktaReply reply(int status, String remaining, Instant reset) {
		return reply(status, remaining, Long.toString(reset.getEpochSecond()));
	}

	private static OktaReply reply(int status, String remaining, String reset) {
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-Rate-Limit-Limit", "100");
		headers.set("X-Rate-Limit-Remaining", remaining);
		headers.set("X-Rate-Limit-Reset", reset);
		headers.setDate(NOW.toEpochMilli());
		return OktaReply.of(status, headers, new byte[0], JsonMapper.builder().build(), NOW);
	}

}
