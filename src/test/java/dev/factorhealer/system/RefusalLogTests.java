package dev.factorhealer.system;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of refused requests makes one log line at once and one summary per interval.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLogTests {

	private Instant now = Instant.parse("2026-12-01T10:00:00Z");

	private final Clock clock = new Clock() {

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return RefusalLogTests.this.now;
		}

	};

	@Test
	void aBurstIsOneLineThenASummary(CapturedOutput output) {
		RefusalLog refusals = new RefusalLog(Duration.ofMinutes(1), this.clock);
		for (int i = 0; i < 500; i++) {
			refusals.refused("POST /hooks/okta", "missing or wrong secret", "10.0.0." + (i % 3));
			this.now = this.now.plusMillis(10);
		}
		assertThat(lines(output)).isEqualTo(1);
		assertThat(output.getOut()).contains("Refused POST /hooks/okta (missing or wrong secret) from 10.0.0.0");

		this.now = this.now.plusSeconds(60);
		refusals.flush(false);
		assertThat(lines(output)).isEqualTo(2);
		assertThat(output.getOut()).contains("POST /hooks/okta: missing or wrong secret 499 times in the last");
		refusals.flush(true);
		assertThat(lines(output)).isEqualTo(2);
	}

	private static long lines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("Refused POST /hooks/okta")).count();
	}

}
