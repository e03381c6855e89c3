package dev.factorhealer.remediation;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.messaging.Message;

import dev.factorhealer.deadletter.UnprocessableRecordException;
import dev.factorhealer.detection.RemediationRequest;
import dev.factorhealer.okta.OktaIds;

/**
 * The work of the {@code remediate} consumer for one request: remediate, publish the
 * result and wait for Kafka's acknowledgement, count it; a {@code FAILED} result is then
 * thrown as {@link RemediationFailedException} so the error handler moves the request to
 * the stuck topic before the offset is committed.
 */
class Remediation {

	private static final Logger log = LoggerFactory.getLogger(Remediation.class);

	private final Remediator remediator;

	private final DeletionLedger ledger;

	private final KafkaOperations<String, byte[]> results;

	private final String resultsTopic;

	private final ObjectMapper mapper;

	private final Map<RemediationOutcome, Counter> outcomes = new EnumMap<>(RemediationOutcome.class);

	private final Timer latency;

	private final Counter capped;

	Remediation(Remediator remediator, DeletionLedger ledger, KafkaOperations<String, byte[]> results,
			String resultsTopic, ObjectMapper mapper, MeterRegistry registry) {
		this.remediator = remediator;
		this.ledger = ledger;
		this.results = results;
		this.resultsTopic = resultsTopic;
		this.mapper = mapper;
		for (RemediationOutcome outcome : RemediationOutcome.values()) {
			this.outcomes.put(outcome,
					Counter.builder("healer.remediation.outcomes")
						.description("What the remediation worker did")
						.tag("outcome", outcome.name())
						.register(registry));
		}
		this.latency = Timer.builder("healer.remediation.latency")
			.description("Detection to outcome")
			.publishPercentileHistogram()
			.register(registry);
		this.capped = Counter.builder("healer.remediation.capped")
			.description("Requests sent to the stuck topic because the deletion cap was reached")
			.register(registry);
	}

	/**
	 * Handles one request with its user id, event uuid and (once known) outcome in the
	 * logging context: structured logs ({@code logging.structured.format.console}) carry
	 * them as fields.
	 */
	void accept(Message<byte[]> message) {
		RemediationRequest request = parse(message.getPayload());
		try (MDC.MDCCloseable user = MDC.putCloseable("userId", request.userId());
				MDC.MDCCloseable event = MDC.putCloseable("eventUuid", request.sourceEventUuid())) {
			remediate(request);
		}
		finally {
			MDC.remove("outcome");
		}
	}

	private void remediate(RemediationRequest request) {
		String requestId = Remediator.requestId(request);
		DeletionLedger.History history = this.ledger.history(requestId);
		if (history.recorded()) {
			log.info("Request of user {} (event {}) was already remediated and recorded; nothing to do",
					request.userId(), request.sourceEventUuid());
			return;
		}
		RemediationResult result = history.deleted().isEmpty() ? this.remediator.remediate(request)
				: this.remediator.recordedLate(request, history.deleted());
		MDC.put("outcome", result.outcome().name());
		publish(result);
		// done for good: a redelivery records nothing more (a FAILED request stays open
		// for its replay)
		if (result.outcome() != RemediationOutcome.FAILED && (!history.claimed().isEmpty()
				|| !history.deleted().isEmpty() || result.outcome() == RemediationOutcome.DELETED
				|| result.outcome() == RemediationOutcome.ALREADY_REMOVED)) {
			this.ledger.recorded(requestId, request.userId());
		}
		this.outcomes.get(result.outcome()).increment();
		if (result.detectedAt() != null) {
			this.latency.record(Duration.between(result.detectedAt(), result.finishedAt()));
		}
		switch (result.outcome()) {
			case DELETED ->
				log.info("Unenrolled stuck {} factor(s) {} of user {} (event {}, {} Okta calls)", result.factorType(),
						result.factorIds(), result.userId(), result.sourceEventUuid(), result.attempts());
			case ALREADY_REMOVED -> log.info("Stuck {} factor(s) {} of user {} were already removed (event {})",
					result.factorType(), result.factorIds(), result.userId(), result.sourceEventUuid());
			case NOT_PENDING -> log.info("User {} has nothing to heal: {} (event {})", result.userId(), result.detail(),
					result.sourceEventUuid());
			case NEWER_THAN_FAILURE ->
				log.info("User {}: {} (event {})", result.userId(), result.detail(), result.sourceEventUuid());
			case USER_NOT_FOUND ->
				log.info("User {} not found in Okta (event {})", result.userId(), result.sourceEventUuid());
			case DRY_RUN -> log.info("Dry run: would unenroll {} factor(s) {} of user {} (event {})",
					result.factorType(), result.factorIds(), result.userId(), result.sourceEventUuid());
			case FAILED -> {
				if (result.failureReason() == FailureReason.DELETION_CAP) {
					this.capped.increment();
				}
				log.error("Could not heal user {} (event {}): {}; the request goes to the stuck topic", result.userId(),
						result.sourceEventUuid(), result.detail());
				throw new RemediationFailedException(result.detail());
			}
		}
	}

	private RemediationRequest parse(byte[] payload) {
		RemediationRequest request;
		try {
			request = this.mapper.readValue(payload, RemediationRequest.class);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new UnprocessableRecordException("not a remediation request: " + ex.getMessage());
		}
		if (request == null || !OktaIds.isValid(request.userId()) || request.factorType() == null) {
			throw new UnprocessableRecordException("not a remediation request: userId and factorType are required, "
					+ "userId must look like an Okta id");
		}
		return request;
	}

	private void publish(RemediationResult result) {
		try {
			this.results
				.send(new ProducerRecord<>(this.resultsTopic, result.userId(), this.mapper.writeValueAsBytes(result)))
				.get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("could not record the result of user " + result.userId() + " on "
					+ this.resultsTopic + "; the request will be retried", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while recording a result", ex);
		}
	}

}
