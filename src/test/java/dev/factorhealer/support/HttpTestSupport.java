package dev.factorhealer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;

/** HTTP calls to the service under test, as Okta and operators make them. */
public abstract class HttpTestSupport {

	public static final String SECRET = "test-current-8DFjlpiv7rz9rXUVC-M6p9G7R3R9UAUq";

	public static final String ROTATED_SECRET = "test-next-DneB_K9irm0mdAl0xt3Aw4t7tYYwfOkY";

	protected static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Value("${local.server.port}")
	protected int port;

	/** The management port: actuator and {@code /admin/*}. */
	@Value("${local.management.port}")
	protected int managementPort;

	/** A path on the hook port (the one Okta posts to). */
	protected URI url(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/** A path on the management port (actuator, {@code /admin/*}). */
	protected URI managementUrl(String path) {
		return URI.create("http://127.0.0.1:" + this.managementPort + path);
	}

	protected HttpResponse<String> postHook(byte[] body, String secret) {
		HttpRequest.Builder request = HttpRequest.newBuilder(url("/hooks/okta"))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (secret != null) {
			request.header("Authorization", secret);
		}
		return send(request.build());
	}

	/**
	 * The Prometheus scrape of the service under test (one place to change when actuator
	 * moves to the management port).
	 */
	protected String scrapeMetrics() {
		return send(
				HttpRequest.newBuilder(managementUrl("/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build())
			.body();
	}

	/**
	 * An admin call with the bearer token ({@code null}: none) and a JSON body
	 * ({@code null}: GET).
	 */
	protected HttpResponse<String> admin(String path, String token, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(managementUrl(path)).timeout(Duration.ofSeconds(30));
		if (body != null) {
			request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return send(request.build());
	}

	protected static HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public static byte[] sampleDelivery() {
		try {
			return Files.readAllBytes(Path.of("src/test/resources/sample-delivery.json"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
