package dev.factorhealer.hook;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

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
 */
@RestController
@RequestMapping("/hooks/okta")
class OktaHookController {

	private static final Logger log = LoggerFactory.getLogger(OktaHookController.class);

	static final String CHALLENGE_HEADER = "X-Okta-Verification-Challenge";

	private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

	private final HookProperties properties;

	private final Duration publishTimeout;

	private final HookSecrets secrets;

	private final OktaEventPublisher publisher;

	private final ObjectMapper mapper;

	private final HookMetrics metrics;

	private final RefusalLog refusals;

	OktaHookController(HookProperties properties, Duration publishTimeout, HookSecrets secrets,
			OktaEventPublisher publisher, ObjectMapper mapper, HookMetrics metrics, RefusalLog refusals) {
		this.refusals = refusals;
		this.properties = properties;
		this.publishTimeout = publishTimeout;
		this.secrets = secrets;
		this.publisher = publisher;
		this.mapper = mapper;
		this.metrics = metrics;
	}

	@GetMapping
	ResponseEntity<Map<String, String>> verify(
			@RequestHeader(name = CHALLENGE_HEADER, required = false) String challenge) {
		if (challenge == null || challenge.isBlank()) {
			return ResponseEntity.badRequest()
				.body(Map.of("error", "invalid", "message", "missing header " + CHALLENGE_HEADER));
		}
		log.info("Answered Okta's event hook verification challenge");
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Map.of("verification", challenge));
	}

	/**
	 * A delivery. The 200 is set on the response itself and {@code null} returned (the
	 * request counts as handled): building and writing a body-less {@code ResponseEntity}
	 * was a sixth of the framework's CPU per delivery.
	 */
	@PostMapping
	ResponseEntity<?> receive(HttpServletRequest request, HttpServletResponse response) throws IOException {
		long started = System.nanoTime();
		if (!this.secrets.accepts(request.getHeader(this.properties.authHeader()))) {
			this.refusals.refused("POST /hooks/okta",
					"missing or wrong secret in header " + this.properties.authHeader(), request.getRemoteAddr());
			return reject(Outcome.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
					"missing or wrong secret in header " + this.properties.authHeader());
		}
		if (!isJson(request.getContentType())) {
			return reject(Outcome.UNSUPPORTED_MEDIA, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					"Content-Type must be application/json");
		}
		long limit = this.properties.maxBodySize().toBytes();
		long declared = request.getContentLengthLong();
		byte[] body = (declared > limit) ? null : readAtMost(request.getInputStream(), declared, limit);
		if (body == null) {
			return reject(Outcome.TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE,
					"the delivery is larger than " + limit + " bytes");
		}
		HookDelivery delivery;
		try {
			delivery = HookDelivery.parse(body, this.mapper);
		}
		catch (InvalidDeliveryException ex) {
			log.warn("Rejected a hook delivery: {}", ex.getMessage());
			return reject(Outcome.INVALID, HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		try {
			this.publisher.publish(delivery.deliveryId(), EventSource.HOOK, delivery.events(), this.publishTimeout);
		}
		catch (EventsNotDurableException ex) {
			if (ex.tooLarge()) {
				log.warn("Answered 413 to delivery {}: an event is larger than okta.events accepts",
						delivery.deliveryId());
				return reject(Outcome.TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE,
						"an event is larger than the okta.events topic accepts (max.message.bytes)");
			}
			log.warn("Answered 503 to delivery {} ({} events) so that Okta retries it: {}", delivery.deliveryId(),
					delivery.events().size(), ex.getMessage());
			return reject(Outcome.UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE,
					"the events could not be made durable in time; retry");
		}
		this.metrics.durable(delivery.events().size(), System.nanoTime() - started);
		this.metrics.request(Outcome.ACCEPTED);
		if (log.isDebugEnabled()) {
			log.debug("Delivery {}: {} events durable", delivery.deliveryId(), delivery.events().size());
		}
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentLength(0);
		return null;
	}

	private ResponseEntity<Map<String, String>> reject(Outcome outcome, HttpStatus status, String message) {
		this.metrics.request(outcome);
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", outcome.name().toLowerCase(), "message", message));
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
