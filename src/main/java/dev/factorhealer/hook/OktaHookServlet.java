package dev.factorhealer.hook;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.ServerHttpObservationFilter;

import dev.factorhealer.events.EventSource;
import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.events.OktaEventPublisher.EventsNotDurableException;
import dev.factorhealer.hook.HookDelivery.InvalidDeliveryException;
import dev.factorhealer.hook.HookMetrics.Outcome;
import dev.factorhealer.system.RefusalLog;

/**
 * {@code /hooks/okta}: Okta's verification challenge and event deliveries. Checks run
 * cheapest first (secret, media type, size, envelope) and a rejected request publishes
 * nothing.
 * <p>
 * A servlet of its own, mapped to the path alone, rather than a controller behind the
 * DispatcherServlet: handler lookup, argument resolution and return value handling were a
 * seventh of the CPU of a delivery's request thread, for an endpoint with one path and
 * two methods. Spring's filters (the {@code http.server.requests} observation among them)
 * still apply; other paths and errors go to the DispatcherServlet as before.
 */
final class OktaHookServlet extends HttpServlet {

	/** The only path the servlet is mapped to. */
	static final String PATH = "/hooks/okta";

	private static final Logger log = LoggerFactory.getLogger(OktaHookServlet.class);

	static final String CHALLENGE_HEADER = "X-Okta-Verification-Challenge";

	private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

	private final HookProperties properties;

	private final Duration publishTimeout;

	private final HookSecrets secrets;

	private final OktaEventPublisher publisher;

	private final ObjectMapper mapper;

	private final HookMetrics metrics;

	private final RefusalLog refusals;

	OktaHookServlet(HookProperties properties, Duration publishTimeout, HookSecrets secrets,
			OktaEventPublisher publisher, ObjectMapper mapper, HookMetrics metrics, RefusalLog refusals) {
		this.refusals = refusals;
		this.properties = properties;
		this.publishTimeout = publishTimeout;
		this.secrets = secrets;
		this.publisher = publisher;
		this.mapper = mapper;
		this.metrics = metrics;
	}

	/** Okta's one-time verification: the challenge header echoed in a JSON body. */
	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		observedAs(request);
		String challenge = request.getHeader(CHALLENGE_HEADER);
		if (challenge == null || challenge.isBlank()) {
			write(response, HttpStatus.BAD_REQUEST,
					Map.of("error", "invalid", "message", "missing header " + CHALLENGE_HEADER));
			return;
		}
		log.info("Answered Okta's event hook verification challenge");
		write(response, HttpStatus.OK, Map.of("verification", challenge));
	}

	/** A delivery: 200 once every event of it is durable on {@code okta.events}. */
	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		observedAs(request);
		long started = System.nanoTime();
		if (!this.secrets.accepts(request.getHeader(this.properties.authHeader()))) {
			this.refusals.refused("POST /hooks/okta",
					"missing or wrong secret in header " + this.properties.authHeader(), request.getRemoteAddr());
			reject(response, Outcome.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
					"missing or wrong secret in header " + this.properties.authHeader());
			return;
		}
		if (!isJson(request.getContentType())) {
			reject(response, Outcome.UNSUPPORTED_MEDIA, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					"Content-Type must be application/json");
			return;
		}
		long limit = this.properties.maxBodySize().toBytes();
		long declared = request.getContentLengthLong();
		byte[] body = (declared > limit) ? null : readAtMost(request.getInputStream(), declared, limit);
		if (body == null) {
			reject(response, Outcome.TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE,
					"the delivery is larger than " + limit + " bytes");
			return;
		}
		HookDelivery delivery;
		try {
			delivery = HookDelivery.parse(body, this.mapper);
		}
		catch (InvalidDeliveryException ex) {
			log.warn("Rejected a hook delivery: {}", ex.getMessage());
			reject(response, Outcome.INVALID, HttpStatus.BAD_REQUEST, ex.getMessage());
			return;
		}
		try {
			this.publisher.publish(delivery.deliveryId(), EventSource.HOOK, delivery.events(), this.publishTimeout);
		}
		catch (EventsNotDurableException ex) {
			if (ex.tooLarge()) {
				log.warn("Answered 413 to delivery {}: an event is larger than okta.events accepts",
						delivery.deliveryId());
				reject(response, Outcome.TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE,
						"an event is larger than the okta.events topic accepts (max.message.bytes)");
				return;
			}
			log.warn("Answered 503 to delivery {} ({} events) so that Okta retries it: {}", delivery.deliveryId(),
					delivery.events().size(), ex.getMessage());
			reject(response, Outcome.UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE,
					"the events could not be made durable in time; retry");
			return;
		}
		this.metrics.durable(delivery.events().size(), System.nanoTime() - started);
		this.metrics.request(Outcome.ACCEPTED);
		if (log.isDebugEnabled()) {
			log.debug("Delivery {}: {} events durable", delivery.deliveryId(), delivery.events().size());
		}
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentLength(0);
	}

	private void reject(HttpServletResponse response, Outcome outcome, HttpStatus status, String message)
			throws IOException {
		this.metrics.request(outcome);
		write(response, status, Map.of("error", outcome.name().toLowerCase(Locale.ROOT), "message", message));
	}

	private void write(HttpServletResponse response, HttpStatus status, Map<String, String> body) throws IOException {
		byte[] json = this.mapper.writeValueAsBytes(body);
		response.setStatus(status.value());
		response.setContentType(JSON);
		response.setContentLength(json.length);
		response.getOutputStream().write(json);
	}

	/**
	 * The {@code uri} tag of {@code http.server.requests}, which the DispatcherServlet
	 * sets for its own handlers.
	 */
	private static void observedAs(HttpServletRequest request) {
		ServerHttpObservationFilter.findObservationContext(request)
			.ifPresent((context) -> context.setPathPattern(PATH));
	}

	private static boolean isJson(String contentType) {
		if (contentType == null) {
			return false;
		}
		if (JSON.equalsIgnoreCase(contentType)) {
			// what Okta sends: no need to parse it
			return true;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.isCompatibleWith(type) && !type.isWildcardType()
					&& !type.isWildcardSubtype()
					|| "application".equals(type.getType()) && type.getSubtype().endsWith("+json");
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	/**
	 * The whole body, or {@code null} when it is longer than the limit (then not read
	 * further). With a Content-Length (at most the limit; the server ends the stream
	 * there) the body is read into one array of that size; a chunked body is read up to
	 * one byte past the limit.
	 */
	private static byte[] readAtMost(InputStream in, long declared, long limit) throws IOException {
		if (declared >= 0) {
			byte[] body = new byte[(int) declared];
			int read = in.readNBytes(body, 0, body.length);
			return (read == body.length) ? body : Arrays.copyOf(body, read);
		}
		byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
		return (body.length > limit) ? null : body;
	}

}
