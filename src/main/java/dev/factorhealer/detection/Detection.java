package dev.factorhealer.detection;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.deadletter.UnprocessableRecordException;
import dev.factorhealer.detection.StuckFactorDetector.Finding;
import dev.factorhealer.detection.StuckFactorDetector.Ignored;
import dev.factorhealer.detection.StuckFactorDetector.Match;

/**
 * The work of the {@code detect} function for one record of {@code okta.events}: parse,
 * match, deduplicate, coalesce, and build the remediation request (or nothing).
 */
class Detection {

	private static final Logger log = LoggerFactory.getLogger(Detection.class);

	private final StuckFactorDetector detector;

	private final EventScreen screen;

	private final DetectionMemory memory;

	private final ObjectMapper mapper;

	private final Clock clock;

	private final MeterRegistry registry;

	private final Counter duplicateEvents;

	private final Counter coalescedUsers;

	private final Map<IgnoredReason, Counter> ignored = new EnumMap<>(IgnoredReason.class);

	Detection(StuckFactorDetector detector, EventScreen screen, DetectionMemory memory, ObjectMapper mapper,
			Clock clock, MeterRegistry registry) {
		this.detector = detector;
		this.screen = screen;
		this.memory = memory;
		this.mapper = mapper;
		this.clock = clock;
		this.registry = registry;
		this.duplicateEvents = duplicates(registry, "event");
		this.coalescedUsers = duplicates(registry, "user");
		for (IgnoredReason reason : IgnoredReason.values()) {
			this.ignored.put(reason, Counter.builder("healer.detection.ignored")
				.description("Events showing the stuck-factor pattern that asked for nothing: not of the rule's "
						+ "event types, or not of its outcome results (counted per record read)")
				.tag("reason", reason.tag())
				.register(registry));
		}
	}

	private static Counter duplicates(MeterRegistry registry, String reason) {
		return Counter.builder("healer.detection.duplicates")
			.description("Events dropped as already seen (event: same uuid; user: same user within the window)")
			.tag("reason", reason)
			.register(registry);
	}

	/** One record as a message, as the tests give it. */
	Message<byte[]> apply(Message<byte[]> record) {
		return decide(record.getPayload(), recordId(record.getHeaders()), replayed(record.getHeaders()));
	}

	/**
	 * Most events concern no rule: the screen passes over them on their raw bytes and a
	 * streaming read; only the rest are parsed into a tree.
	 * @param payload the record's value
	 * @param recordId where the record sits ({@code partition@offset}): the same record
	 * read again is decided the same way
	 * @param replayed whether an operator replayed it (it then asks again)
	 * @return the request to send, or {@code null}
	 */
	Message<byte[]> decide(byte[] payload, String recordId, boolean replayed) {
		return passesOver(payload) ? null : decideScreened(payload, recordId, replayed);
	}

	/**
	 * Whether the screen passes over this record value: then there is nothing to decide,
	 * and a caller need not read where the record sits or its headers.
	 */
	boolean passesOver(byte[] payload) {
		return this.screen.canPassOver(payload);
	}

	/**
	 * {@link #decide} for a record value the screen did not pass over.
	 */
	Message<byte[]> decideScreened(byte[] payload, String recordId, boolean replayed) {
		JsonNode event = parse(payload);
		String uuid = event.get("uuid").asString();
		Optional<Finding> found = this.detector.inspect(event);
		if (found.isEmpty()) {
			return null;
		}
		if (found.get() instanceof Ignored ignored) {
			this.ignored.get(ignored.reason()).increment();
			// DEBUG: on a busy org these may be many; the event itself stays out of the
			// log
			if (log.isDebugEnabled()) {
				log.debug(
						"Event {} shows the pattern of rule {} but asks for nothing: {} {} is not one the rule acts on",
						uuid, ignored.rule(), ignored.reason().tag(),
						ignored.reason() == IgnoredReason.EVENT_TYPE ? eventType(event) : outcomeResult(event));
			}
			return null;
		}
		Match match = (Match) found.get();
		if (!replayed && !this.memory.claimEvent(uuid, recordId)) {
			this.duplicateEvents.increment();
			log.debug("Event {} already seen: dropped", uuid);
			return null;
		}
		if (!replayed && !this.memory.claimUser(match.userId(), recordId)) {
			this.coalescedUsers.increment();
			log.info("Stuck {} factor of user {} seen again in event {}: a request is already on its way",
					match.factorType(), match.userId(), uuid);
			return null;
		}
		Counter.builder("healer.detection.matches")
			.description("Stuck-factor patterns found")
			.tag("rule", match.rule())
			.register(this.registry)
			.increment();
		RemediationRequest request = new RemediationRequest(match.userId(), match.factorType(), uuid,
				Instant.now(this.clock), match.rule() + ": " + match.matched(), published(event));
		log.info("Detected a stuck {} factor of user {} in event {} (rule {}){}", match.factorType(), match.userId(),
				uuid, match.rule(), replayed ? " [replayed]" : "");
		return MessageBuilder.withPayload(this.mapper.writeValueAsBytes(request))
			.setHeader(KafkaHeaders.KEY, match.userId().getBytes(StandardCharsets.UTF_8))
			.setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
			.build();
	}

	private JsonNode parse(byte[] payload) {
		JsonNode event;
		try {
			event = payload == null ? null : this.mapper.readTree(payload);
		}
		catch (JacksonException ex) {
			throw new UnprocessableRecordException(
					"not a System Log event: invalid JSON (" + ex.getOriginalMessage() + ")");
		}
		if (event == null || !event.isObject()) {
			throw new UnprocessableRecordException("not a System Log event: not a JSON object");
		}
		JsonNode uuid = event.get("uuid");
		if (uuid == null || !uuid.isString() || uuid.asString().isBlank()) {
			throw new UnprocessableRecordException("not a System Log event: no uuid");
		}
		return event;
	}

	private static String eventType(JsonNode event) {
		return printable(event.get("eventType"));
	}

	private static String outcomeResult(JsonNode event) {
		JsonNode outcome = event.get("outcome");
		return printable(outcome == null ? null : outcome.get("result"));
	}

	/**
	 * A short, single-line rendering of a field for a log line (it comes from outside).
	 */
	private static String printable(JsonNode node) {
		if (node == null || !node.isString()) {
			return "(none)";
		}
		String text = node.asString();
		text = text.length() > 100 ? text.substring(0, 100) + "..." : text;
		return text.replaceAll("\\p{Cntrl}", "?");
	}

	/**
	 * The event's {@code published} time, or {@code null} when it is missing or not an
	 * ISO-8601 instant.
	 */
	static Instant published(JsonNode event) {
		JsonNode published = event.get("published");
		if (published == null || !published.isString()) {
			return null;
		}
		try {
			return Instant.parse(published.asString());
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static String recordId(MessageHeaders headers) {
		return recordId(headers.get(KafkaHeaders.RECEIVED_PARTITION), headers.get(KafkaHeaders.OFFSET));
	}

	static String recordId(Object partition, Object offset) {
		return partition + "@" + offset;
	}

	private static boolean replayed(MessageHeaders headers) {
		Object count = headers.get(StuckRecordHeaders.REPLAY_COUNT);
		return count != null;
	}

}
