package dev.factorhealer.system;

import java.net.http.HttpRequest;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of refused requests on the hook and on {@code /admin/*} is at most one log line
 * per endpoint (then a summary per minute), never a line each, and never shows the
 * presented value.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLogIntegrationTests extends IntegrationTestSupport {

	@Test
	void aBurstOf401sIsNotALineEach(CapturedOutput output) {
		byte[] delivery = Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId())));
		for (int i = 0; i < 30; i++) {
			assertThat(postHook(delivery, "wrong-secret-" + i).statusCode()).isEqualTo(401);
			assertThat(send(HttpRequest.newBuilder(managementUrl("/admin/mode"))
				.header("Authorization", "Bearer wrong-token-" + i)
				.build()).statusCode()).isEqualTo(401);
		}
		List<String> hookLines = output.getOut()
			.lines()
			.filter((line) -> line.contains("Refused POST /hooks/okta"))
			.toList();
		List<String> adminLines = output.getOut()
			.lines()
			.filter((line) -> line.contains("Refused GET /admin/mode"))
			.toList();
		assertThat(hookLines).hasSizeLessThanOrEqualTo(1);
		assertThat(adminLines).hasSizeLessThanOrEqualTo(1);
		assertThat(output.getOut()).doesNotContain("wrong-secret-").doesNotContain("wrong-token-");
	}

}
