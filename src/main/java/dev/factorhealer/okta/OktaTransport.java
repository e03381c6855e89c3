package dev.factorhealer.okta;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.factorhealer.okta.OktaHttp.OktaRequest;

/**
 * One HTTP attempt, nothing more: the {@link OktaAuthorization} sets the credential, the
 * answer's status, headers and body are read here (RestClient never throws for a 4xx or
 * 5xx), and each attempt is one sample of
 * {@code healer_okta_requests_seconds{operation,status}}. Budget, gate, retries and the
 * circuit are the caller's.
 */
final class OktaTransport {

	private final RestClient client;

	private final OktaAuthorization authorization;

	private final JsonMapper mapper;

	private final OktaMetrics metrics;

	private final Clock clock;

	private final int maxBodyBytes;

	/**
	 * @param maxBodyBytes bodies are read up to this many bytes (the rest is cut); the
	 * System Log's pages are larger than factor lists
	 */
	OktaTransport(RestClient client, OktaAuthorization authorization, JsonMapper mapper, OktaMetrics metrics,
			Clock clock, int maxBodyBytes) {
		this.client = client;
		this.authorization = authorization;
		this.mapper = mapper;
		this.metrics = metrics;
		this.clock = clock;
		this.maxBodyBytes = maxBodyBytes;
	}

	/**
	 * Sends the call's request once with its current credential. Counts the attempt,
	 * keeps the answer, its {@code Link} headers and what it says about the credential on
	 * the call; a 5xx or an exception counts as a DELETE that may have taken effect.
	 * @throws ResourceAccessException on a timeout or connection error
	 */
	OktaReply exchange(OktaCall call) {
		OktaRequest request = call.request;
		call.attempts.incrementAndGet();
		long started = System.nanoTime();
		OktaReply reply;
		try {
			RestClient.RequestBodySpec spec = this.client.method(request.method())
				.uri(request.uri())
				.headers(
						headers -> this.authorization.apply(headers, call.credential, request.method(), request.uri()));
			if (request.body() != null) {
				spec = spec.contentType(MediaType.APPLICATION_JSON).body(request.body());
			}
			reply = spec.exchange((clientRequest, response) -> {
				OktaReply answer = read(response);
				call.lastLinks = List.copyOf(response.getHeaders().getOrEmpty(HttpHeaders.LINK));
				call.challenge = this.authorization.challenge(answer.status(), response.getHeaders());
				return answer;
			}, true);
		}
		catch (ResourceAccessException ex) {
			call.unanswered++;
			this.metrics.request(request.operation(),
					OktaErrors.isTimeout(ex) ? OktaMetrics.TIMEOUT : OktaMetrics.IO_ERROR, System.nanoTime() - started);
			throw ex;
		}
		this.metrics.request(request.operation(), Integer.toString(reply.status()), System.nanoTime() - started);
		call.lastReply = reply;
		if (reply.isServerError()) {
			call.unanswered++;
		}
		return reply;
	}

	private OktaReply read(ClientHttpResponse response) throws IOException {
		Instant receivedAt = this.clock.instant();
		int status = response.getStatusCode().value();
		HttpHeaders headers = response.getHeaders();
		byte[] body;
		try (InputStream in = response.getBody()) {
			body = in.readNBytes(this.maxBodyBytes);
		}
		return OktaReply.of(status, headers, body, this.mapper, receivedAt);
	}

}
