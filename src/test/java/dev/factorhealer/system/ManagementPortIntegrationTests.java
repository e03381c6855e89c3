package dev.factorhealer.system;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hook port serves {@code /hooks/okta} only; actuator and {@code /admin/*} answer on
 * the management port alone, so a load balancer can expose the hook without the rest.
 */
class ManagementPortIntegrationTests extends IntegrationTestSupport {

	@Test
	void theHookPortAnswers404ForActuatorAndAdmin() {
		assertThat(this.port).isNotEqualTo(this.managementPort);
		assertThat(get(url("/actuator/prometheus")).statusCode()).isEqualTo(404);
		assertThat(get(url("/actuator/health")).statusCode()).isEqualTo(404);
		assertThat(get(url("/actuator/info")).statusCode()).isEqualTo(404);
		assertThat(get(url("/admin/mode")).statusCode()).isEqualTo(404);
		assertThat(postAdmin(url("/admin/replay"), "{\"topic\":\"okta.events.dlq\",\"dryRun\":true}").statusCode())
			.isEqualTo(404);
		assertThat(postAdmin(url("/admin/mode"), "{\"mode\":\"dry-run\"}").statusCode()).isEqualTo(404);
	}

	@Test
	void theManagementPortServesActuatorAndAdmin() {
		HttpResponse<String> metrics = get(managementUrl("/actuator/prometheus"));
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("healer_hook_requests_total");
		assertThat(get(managementUrl("/actuator/health/readiness")).statusCode()).isEqualTo(200);
		HttpResponse<String> replay = postAdmin(managementUrl("/admin/replay"),
				"{\"topic\":\"okta.events.dlq\",\"dryRun\":true,\"userId\":\"00u-management-port\"}");
		assertThat(replay.statusCode()).isEqualTo(200);
		assertThat(replay.body()).contains("\"dryRun\":true");
		HttpResponse<String> unauthorized = send(HttpRequest.newBuilder(managementUrl("/admin/replay"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"okta.events.dlq\"}"))
			.build());
		assertThat(unauthorized.statusCode()).isEqualTo(401);
	}

	@Test
	void theManagementPortDoesNotTakeHookDeliveries() {
		byte[] delivery = Deliveries.delivery(Deliveries.newUuid(),
				List.of(Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId())));
		HttpResponse<String> answer = send(HttpRequest.newBuilder(managementUrl("/hooks/okta"))
			.header("Authorization", SECRET)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(delivery))
			.build());
		assertThat(answer.statusCode()).isEqualTo(404);
		assertThat(postHook(delivery, SECRET).statusCode()).isEqualTo(200);
	}

	private static HttpResponse<String> get(URI uri) {
		return send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + ADMIN_TOKEN).build());
	}

	private static HttpResponse<String> postAdmin(URI uri, String body) {
		return send(HttpRequest.newBuilder(uri)
			.header("Authorization", "Bearer " + ADMIN_TOKEN)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

}
