package dev.factorhealer.hook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.factorhealer.events.OktaEventHeaders;
import dev.factorhealer.FactorHealerApplication;
import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.HttpTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.StrictUtf8;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Hostile input to {@code POST /hooks/okta}, generated: whatever a client sends, the hook
 * answers with a 4xx that says what is wrong (never a 5xx, never a 200 for something that
 * is not a delivery), answers quickly, publishes nothing for a rejected request and stays
 * up. The whole service runs once for the class against the shared broker and a fake Okta
 * org of its own; assertions only look at HTTP answers and at records on
 * {@code okta.events} carrying the delivery ids and event uuids these properties chose,
 * so other contexts alive on the same broker do not matter.
 */
class HostileHookInputPropertyTests {

	private static final String SECRET = HttpTestSupport.SECRET;

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * The validity rule, written independently of the hook: plain Jackson defaults,
	 * duplicates allowed.
	 */
	private static final JsonMapper lenient = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private static final JsonMapper strict = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private static final Duration QUICK = Duration.ofSeconds(5);

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static ConfigurableApplicationContext app;

	private static FakeOktaOrg okta;

	private static int port;

	private static long limit;

	private static TopicProbe events;

	private static final Set<String> rejectedDeliveries = ConcurrentHashMap.newKeySet();

	private static final Set<String> rejectedUuids = ConcurrentHashMap.newKeySet();

	/** property -> answer (status code, or the client-side exception) -> count. */
	private static final Map<String, Map<String, Integer>> answers = new LinkedHashMap<>();

	@BeforeContainer
	static void startTheService() {
		okta = FakeOktaOrg.start();
		// command-line arguments, not default properties: application.yml would win over
		// those
		app = new SpringApplicationBuilder(FactorHealerApplication.class).run(
				"--spring.kafka.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
				"--okta.client.org-url=" + okta.url(), "--okta.client.token=" + okta.token(),
				"--okta.testing.disable-https-check=true", "--server.port=0", "--management.server.port=0",
				"--healer.hook.secrets=" + SECRET + "," + HttpTestSupport.ROTATED_SECRET,
				"--healer.remediation.mode=live", "--healer.remediation.pause-after-delete=100ms",
				"--healer.remediation.request-timeout=20s", "--healer.okta.requests-per-minute=600",
				"--healer.okta.initial-backoff=100ms", "--healer.okta.max-backoff=1s",
				"--healer.okta.circuit-open-for=2s");
		port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
		limit = app.getBean(HookProperties.class).maxBodySize().toBytes();
		events = TopicProbe.open("okta.events");
	}

	private static List<String> leaked = List.of();

	@AfterContainer
	static void stopTheService() {
		try {
			if (events != null) {
				leaked = events.settle(Duration.ofMillis(500))
					.stream()
					.filter(HostileHookInputPropertyTests::fromRejectedRequest)
					.map(HostileHookInputPropertyTests::describe)
					.toList();
				assertThat(leaked).as("records published for rejected requests").isEmpty();
			}
		}
		finally {
			printSummary();
			if (events != null) {
				events.close();
			}
			if (app != null) {
				app.close();
			}
			if (okta != null) {
				okta.close();
			}
		}
	}

	/**
	 * After every property: a real delivery still gets 200 and reaches Kafka, and nothing
	 * of what was refused did (records published before that delivery's are read by then;
	 * the end of the class reads once more until the topic is quiet).
	 */
	@AfterProperty
	void theServiceStillWorksAndNothingWasPublishedForARejectedRequest() {
		String deliveryId = "still-up-" + Deliveries.newUuid();
		String uuid = Deliveries.newUuid();
		// a client of its own: after a property that kept the shared one idle for
		// Tomcat's
		// keep-alive timeout (5 s), its pooled connection may be closing just as it is
		// reused
		HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		Answer answer = send(fresh,
				HttpRequest.newBuilder(uri("/hooks/okta"))
					.timeout(Duration.ofSeconds(10))
					.header("Content-Type", "application/json")
					.header("Authorization", SECRET)
					.POST(BodyPublishers.ofByteArray(Deliveries.delivery(deliveryId,
							List.of(Deliveries.sessionStartEvent(uuid, Deliveries.newUserId())))))
					.build());
		assertThat(answer.status()).as("a valid delivery after the hostile ones: " + answer).isEqualTo(200);
		events.awaitRecords(1, r -> deliveryId.equals(TopicProbe.header(r, OktaEventHeaders.DELIVERY_ID)));
		List<String> leaked = events.records()
			.stream()
			.filter(HostileHookInputPropertyTests::fromRejectedRequest)
			.map(HostileHookInputPropertyTests::describe)
			.toList();
		assertThat(leaked).as("records published for rejected requests").isEmpty();
	}

	// ---------------------------------------------------------------- random bytes

	@Property(tries = 100)
	void randomBytesAreRefusedAs400(@ForAll("randomBodies") byte[] body) {
		Answer answer = post(body, "application/json", SECRET);

		tally("randomBytes", answer);
		assertThat(answer.status()).as(answer.describe(body)).isEqualTo(400);
		assertThat(answer.took()).isLessThan(QUICK);
		assertThat(answer.errorMessage()).isNotBlank();
	}

	@Provide
	Arbitrary<byte[]> randomBodies() {
		Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(64 * 1024);
		// bytes that start like JSON get further into the parser
		Arbitrary<byte[]> jsonish = Combinators
			.combine(Arbitraries.of("{", "{\"data\":", "{\"data\":{\"events\":[", "{\"data\":{\"events\":[{\"uuid\":\"",
					"\uFEFF{", "[", "\""), any)
			.as((prefix, rest) -> concat(prefix.getBytes(StandardCharsets.UTF_8), rest));
		return Arbitraries.frequencyOf(Tuple.of(3, any), Tuple.of(2, jsonish));
	}

	// ---------------------------------------------------------------- mutations of a
	// valid delivery

	@Property(tries = 150)
	void mutatedDeliveriesAre400UnlessStillValid(@ForAll("deliveryShapes") int eventCount,
			@ForAll("mutationLists") List<Mutation> mutations) {
		Built delivery = Built.of(eventCount);
		byte[] body = delivery.bytes();
		for (Mutation mutation : mutations) {
			body = mutation.apply(body);
		}
		Validity validity = validity(body);

		Answer answer = post(body, "application/json", SECRET);

		tally("mutations", answer);
		delivery.remember(answer);
		Statistics.label("validity").collect(validity);
		expectByValidity(answer, validity, body);
		assertThat(answer.took()).isLessThan(QUICK);
	}

	@Provide
	Arbitrary<Integer> deliveryShapes() {
		return Arbitraries.integers().between(1, 3);
	}

	@Provide
	Arbitrary<List<Mutation>> mutationLists() {
		Arbitrary<Byte> structural = Arbitraries
			.of('{', '}', '[', ']', '"', ',', ':', '\\', ' ', '0', 'a', 'n', 't', '-', 'e', '.', '\n', '\u0000', '/')
			.map(c -> (byte) c.charValue());
		Arbitrary<Byte> anyByte = Arbitraries.oneOf(structural, Arbitraries.bytes());
		Arbitrary<Mutation> mutation = Combinators
			.combine(Arbitraries.of(MutationKind.class), Arbitraries.doubles().between(0, 1).ofScale(6), anyByte)
			.as(Mutation::new);
		return mutation.list().ofMinSize(1).ofMaxSize(3);
	}

	enum MutationKind {

		DELETE, INSERT, REPLACE, TRUNCATE

	}

	record Mutation(MutationKind kind, double where, byte value) {

		byte[] apply(byte[] body) {
			int at = (int) Math.min(body.length, Math.floor(this.where * body.length));
			ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1);
			switch (this.kind) {
				case DELETE -> {
					out.write(body, 0, at);
					if (at < body.length) {
						out.write(body, at + 1, body.length - at - 1);
					}
				}
				case INSERT -> {
					out.write(body, 0, at);
					out.write(this.value);
					out.write(body, at, body.length - at);
				}
				case REPLACE -> {
					out.write(body, 0, body.length);
					byte[] replaced = out.toByteArray();
					if (at < replaced.length) {
						replaced[at] = this.value;
					}
					return replaced;
				}
				case TRUNCATE -> out.write(body, 0, at);
			}
			return out.toByteArray();
		}

	}

	// ---------------------------------------------------------------- deep nesting

	@Property(tries = 50)
	void deeplyNestedJsonIsAnsweredQuicklyAndAsTheRuleSays(@ForAll("depths") int depth, @ForAll NestingKind kind,
			@ForAll NestingPlace place, @ForAll boolean balanced) {
		Built delivery = Built.of(1);
		String nested = kind.nest(depth, balanced);
		String body = switch (place) {
			case WHOLE_BODY -> nested;
			case EVENT_FIELD -> delivery.envelope(List.of(delivery.eventWith("\"deep\":" + nested)), "");
			case ENVELOPE_FIELD -> delivery.envelope(delivery.events(), "\"deep\":" + nested + ",");
			case DATA_FIELD ->
				delivery.envelope(delivery.events(), "").replace("\"data\":{", "\"data\":{\"deep\":" + nested + ",");
			case EVENTS_ELEMENT -> delivery.envelope(List.of(delivery.events().get(0), nested), "");
			case UUID_VALUE -> delivery.envelope(List.of("{\"uuid\":" + nested + ",\"eventType\":\"x\"}"), "");
		};
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		Validity validity = validity(bytes);

		Answer answer = post(bytes, "application/json", SECRET);

		tally("deepNesting", answer);
		delivery.remember(answer);
		Statistics.label("nesting").collect(place, validity);
		expectByValidity(answer, validity, bytes);
		assertThat(answer.took()).isLessThan(QUICK);
	}

	@Provide
	Arbitrary<Integer> depths() {
		return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.integers().between(1, 5000)),
				Tuple.of(1, Arbitraries.integers().between(480, 520)),
				Tuple.of(1, Arbitraries.integers().between(1, 64)));
	}

	enum NestingKind {

		ARRAYS, OBJECTS, MIXED;

		String nest(int depth, boolean balanced) {
			StringBuilder open = new StringBuilder();
			StringBuilder close = new StringBuilder();
			for (int i = 0; i < depth; i++) {
				boolean array = this == ARRAYS || this == MIXED && i % 2 == 1;
				open.append(array ? "[" : "{\"n\":");
				close.append(array ? "]" : "}");
			}
			return open + "1" + (balanced ? close.toString() : close.substring(0, close.length() / 2));
		}

	}

	enum NestingPlace {

		WHOLE_BODY, EVENT_FIELD, ENVELOPE_FIELD, DATA_FIELD, EVENTS_ELEMENT, UUID_VALUE

	}

	// ---------------------------------------------------------------- near and over the
	// size limit

	/**
	 * Huge content the hook only skips (envelope and {@code data} fields) next to one
	 * small event.
	 */
	@Property(tries = 10, shrinking = ShrinkingMode.OFF)
	void hugeSkippedContentIs413OverTheLimitElse200(@ForAll("bodySizes") int size, @ForAll HugeShape shape,
			@ForAll boolean inData) {
		Built delivery = Built.of(1);
		String filler = inData ? "" : "\"huge\":" + shape.open() + "%s" + shape.close() + ",";
		String template = delivery.envelope(delivery.events(), filler);
		if (inData) {
			template = template.replace("\"data\":{",
					"\"data\":{\"huge\":" + shape.open() + "%s" + shape.close() + ",");
		}
		byte[] body = fill(template, size, shape);

		Answer answer = post(body, "application/json", SECRET);

		tally("hugeSkipped", answer);
		delivery.remember(answer);
		Statistics.label("size").collect(body.length > limit ? "over the limit" : "within the limit");
		assertThat(answer.took()).isLessThan(QUICK);
		if (body.length > limit) {
			assertThat(answer.status()).as(answer.describe(body)).isEqualTo(413);
		}
		else {
			assertThat(answer.status()).as(answer.describe(body)).isEqualTo(200);
		}
	}

	/**
	 * Huge content inside the event itself: the event must reach Kafka as it is, or be
	 * refused with a 4xx.
	 */
	@Property(tries = 8, shrinking = ShrinkingMode.OFF)
	void hugeEventsAre413OverTheLimitElse200(@ForAll("bodySizes") int size, @ForAll HugeShape shape) {
		Built delivery = Built.of(1);
		String template = delivery
			.envelope(List.of(delivery.eventWith("\"huge\":" + shape.open() + "%s" + shape.close())), "");
		byte[] body = fill(template, size, shape);

		Answer answer = post(body, "application/json", SECRET);

		tally("hugeEvent", answer);
		delivery.remember(answer);
		Statistics.label("size").collect(body.length > limit ? "over the limit" : "within the limit");
		assertThat(answer.took()).isLessThan(QUICK);
		if (body.length > limit) {
			assertThat(answer.status()).as(answer.describe(body)).isEqualTo(413);
		}
		else {
			assertThat(answer.status()).as(answer.describe(body)).isEqualTo(200);
		}
	}

	@Provide
	Arbitrary<Integer> bodySizes() {
		int max = (int) limit;
		Arbitrary<Integer> offsets = Arbitraries.integers()
			.between(0, 64 * 1024)
			.withDistribution(RandomDistribution.uniform());
		return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(max - 1, max, max + 1)),
				Tuple.of(2, offsets.map(offset -> max - offset)), Tuple.of(2, offsets.map(offset -> max + 1 + offset)),
				Tuple.of(1, offsets.map(offset -> 1024 * 1024 - 32 * 1024 + offset)));
	}

	enum HugeShape {

		STRING("\"", "\"", "a"), ARRAY("[", "0]", "0,"), OBJECTS("[", "{}]", "{},");

		private final String open;

		private final String close;

		private final String unit;

		HugeShape(String open, String close, String unit) {
			this.open = open;
			this.close = close;
			this.unit = unit;
		}

		String open() {
			return this.open;
		}

		String close() {
			return this.close;
		}

	}

	/**
	 * The template with its {@code %s} filled so that the body is exactly {@code size}
	 * bytes (or the nearest above).
	 */
	private static byte[] fill(String template, int size, HugeShape shape) {
		int fixed = template.getBytes(StandardCharsets.UTF_8).length - 2;
		int room = Math.max(0, size - fixed);
		StringBuilder filler = new StringBuilder(room + 8);
		filler.append(shape.unit.repeat(room / shape.unit.length()));
		// top up with whitespace, which JSON allows between array elements but not inside
		// a string
		int rest = room - filler.length();
		filler.append((shape == HugeShape.STRING ? "a" : " ").repeat(rest));
		return template.replace("%s", filler).getBytes(StandardCharsets.UTF_8);
	}

	// ---------------------------------------------------------------- wrong types and
	// missing fields

	@Property(tries = 60)
	void wrongTypesForEnvelopeAndEventFieldsAre400(@ForAll("deliveryShapes") int eventCount,
			@ForAll("wrongTypes") WrongType wrong, @ForAll("eventIndex") int index) {
		Built delivery = Built.of(eventCount);
		int at = index % eventCount;
		String body = switch (wrong.field()) {
			case EVENT_ID -> delivery.envelopeWithRawId(wrong.value(), delivery.events());
			case DATA -> "{\"eventId\":\"" + delivery.deliveryId() + "\",\"data\":" + wrong.value() + "}";
			case EVENTS ->
				"{\"eventId\":\"" + delivery.deliveryId() + "\",\"data\":{\"events\":" + wrong.value() + "}}";
			case EVENT_ELEMENT -> delivery.envelope(replace(delivery.events(), at, wrong.value()), "");
			case UUID -> delivery.envelope(replace(delivery.events(), at,
					"{\"uuid\":" + wrong.value() + ",\"eventType\":\"user.session.start\"}"), "");
			case EVENT_TYPE -> delivery.envelope(replace(delivery.events(), at,
					"{\"uuid\":\"" + delivery.uuids().get(at) + "\",\"eventType\":" + wrong.value() + "}"), "");
		};
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

		Answer answer = post(bytes, "application/json", SECRET);

		tally("wrongTypes", answer);
		delivery.remember(answer);
		Statistics.label("field").collect(wrong.field());
		assertThat(validity(bytes)).as("the rule agrees that this is no delivery").isEqualTo(Validity.INVALID);
		assertThat(answer.status()).as(answer.describe(bytes)).isEqualTo(400);
		assertThat(answer.errorMessage()).isNotBlank();
	}

	@Provide
	Arbitrary<Integer> eventIndex() {
		return Arbitraries.integers().between(0, 2);
	}

	enum Field {

		EVENT_ID, DATA, EVENTS, EVENT_ELEMENT, UUID, EVENT_TYPE

	}

	record WrongType(Field field, String value) {
	}

	@Provide
	Arbitrary<WrongType> wrongTypes() {
		Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.integers().map(String::valueOf),
				Arbitraries.doubles().between(-1e12, 1e12).map(String::valueOf),
				Arbitraries.of("0", "-0", "1e308", "12345678901234567890123"));
		Arbitrary<String> bool = Arbitraries.of("true", "false");
		Arbitrary<String> nul = Arbitraries.just("null");
		Arbitrary<String> string = jsonStrings();
		Arbitrary<String> blank = Arbitraries.of("\"\"", "\" \"", "\"\\t\\n\"", "\"\\u0020\"");
		Arbitrary<String> object = jsonValues(2).map(v -> {
			ObjectNode node = JsonNodeFactory.instance.objectNode();
			node.set("uuid", v);
			return node.toString();
		});
		Arbitrary<String> emptyObject = Arbitraries.of("{}", "{\"events\":[]}");
		Arbitrary<String> array = jsonValues(2).list().ofMaxSize(3).map(list -> {
			ArrayNode node = JsonNodeFactory.instance.arrayNode();
			list.forEach(node::add);
			return node.toString();
		});
		return Arbitraries.oneOf(
				Arbitraries.oneOf(number, bool, object, emptyObject, array).map(v -> new WrongType(Field.EVENT_ID, v)),
				Arbitraries.oneOf(string, number, bool, nul, array).map(v -> new WrongType(Field.DATA, v)),
				Arbitraries.oneOf(object, string, number, bool, nul).map(v -> new WrongType(Field.EVENTS, v)),
				Arbitraries.oneOf(number, string, array, nul, bool).map(v -> new WrongType(Field.EVENT_ELEMENT, v)),
				Arbitraries.oneOf(number, nul, blank, object, array, bool).map(v -> new WrongType(Field.UUID, v)),
				Arbitraries.oneOf(number, nul, blank, object, array, bool)
					.map(v -> new WrongType(Field.EVENT_TYPE, v)));
	}

	@Property(tries = 30)
	void missingFieldsAre400(@ForAll("deliveryShapes") int eventCount, @ForAll MissingField missing,
			@ForAll("eventIndex") int index) {
		Built delivery = Built.of(eventCount);
		int at = index % eventCount;
		String body = switch (missing) {
			case DATA -> "{\"eventId\":\"" + delivery.deliveryId() + "\",\"eventType\":\"com.okta.event_hook\"}";
			case EVENTS -> "{\"eventId\":\"" + delivery.deliveryId() + "\",\"data\":{\"other\":[]}}";
			case UUID -> delivery.envelope(replace(delivery.events(), at, delivery.eventWithout("uuid", at)), "");
			case EVENT_TYPE ->
				delivery.envelope(replace(delivery.events(), at, delivery.eventWithout("eventType", at)), "");
			case EVERYTHING -> "{}";
		};
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

		Answer answer = post(bytes, "application/json", SECRET);

		tally("missingFields", answer);
		delivery.remember(answer);
		assertThat(validity(bytes)).isEqualTo(Validity.INVALID);
		assertThat(answer.status()).as(answer.describe(bytes)).isEqualTo(400);
		assertThat(answer.errorMessage()).isNotBlank();
	}

	enum MissingField {

		DATA, EVENTS, UUID, EVENT_TYPE, EVERYTHING

	}

	// ---------------------------------------------------------------- unknown fields are
	// kept

	@Property(tries = 15)
	void unknownFieldsAreAcceptedAndEachEventIsPublishedAsSent(
			@ForAll("extraFields") Map<String, JsonNode> envelopeExtras,
			@ForAll("extraFields") Map<String, JsonNode> dataExtras,
			@ForAll("eventExtras") List<Map<String, JsonNode>> eventExtras) {
		String deliveryId = "hostile-" + Deliveries.newUuid();
		List<String> sentEvents = new ArrayList<>();
		List<String> uuids = new ArrayList<>();
		for (Map<String, JsonNode> extras : eventExtras) {
			String uuid = Deliveries.newUuid();
			uuids.add(uuid);
			ObjectNode event = JsonNodeFactory.instance.objectNode();
			event.put("uuid", uuid);
			event.put("eventType", "user.session.start");
			extras.forEach((name, value) -> {
				if (!name.equals("uuid") && !name.equals("eventType")) {
					event.set(name, value);
				}
			});
			sentEvents.add(json.writeValueAsString(event));
		}
		ObjectNode envelope = JsonNodeFactory.instance.objectNode();
		envelopeExtras.forEach((name, value) -> {
			if (!name.equals("eventId") && !name.equals("data")) {
				envelope.set(name, value);
			}
		});
		ObjectNode data = JsonNodeFactory.instance.objectNode();
		dataExtras.forEach((name, value) -> {
			if (!name.equals("events")) {
				data.set(name, value);
			}
		});
		String dataText = json.writeValueAsString(data);
		String eventsText = "\"events\":[" + String.join(",", sentEvents) + "]";
		String body = "{\"eventId\":" + json.writeValueAsString(deliveryId) + ",\"data\":"
				+ (data.isEmpty() ? "{" + eventsText + "}" : "{" + eventsText + "," + dataText.substring(1))
				+ (envelope.isEmpty() ? "" : "," + json.writeValueAsString(envelope).substring(1))
				+ (envelope.isEmpty() ? "}" : "");
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

		Answer answer = post(bytes, "application/json", SECRET);

		tally("unknownFields", answer);
		assertThat(validity(bytes)).isEqualTo(Validity.VALID);
		assertThat(answer.status()).as(answer.describe(bytes)).isEqualTo(200);
		List<ConsumerRecord<String, byte[]>> records = events.awaitRecords(sentEvents.size(),
				r -> deliveryId.equals(TopicProbe.header(r, OktaEventHeaders.DELIVERY_ID)));
		assertThat(records).hasSize(sentEvents.size());
		for (int i = 0; i < sentEvents.size(); i++) {
			String uuid = uuids.get(i);
			ConsumerRecord<String, byte[]> record = records.stream()
				.filter(r -> uuid.equals(TopicProbe.header(r, OktaEventHeaders.EVENT_UUID)))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no record for event " + uuid));
			JsonNode sent = json.readTree(sentEvents.get(i));
			assertThat(json.readTree(record.value())).isEqualTo(sent);
			assertThat(new String(record.value(), StandardCharsets.UTF_8)).as("byte for byte")
				.isEqualTo(sentEvents.get(i));
			assertThat(record.key()).as("key of " + sentEvents.get(i)).isEqualTo(expectedKey(sent, uuid));
			assertThat(TopicProbe.header(record, OktaEventHeaders.EVENT_TYPE)).isEqualTo("user.session.start");
		}
	}

	@Provide
	Arbitrary<Map<String, JsonNode>> extraFields() {
		return Arbitraries.maps(fieldNames(), jsonValues(3)).ofMaxSize(4);
	}

	@Provide
	Arbitrary<List<Map<String, JsonNode>>> eventExtras() {
		Arbitrary<String> names = Arbitraries.oneOf(fieldNames(),
				Arbitraries.of("actor", "target", "outcome", "published", "debugContext"));
		Arbitrary<JsonNode> values = Arbitraries.oneOf(jsonValues(3), users(), users().list().ofMaxSize(3).map(list -> {
			ArrayNode array = JsonNodeFactory.instance.arrayNode();
			list.forEach(array::add);
			return array;
		}));
		return Arbitraries.maps(names, values).ofMaxSize(5).list().ofMinSize(1).ofMaxSize(3);
	}

	/** Objects shaped like System Log actors and targets, some of them {@code User}s. */
	private static Arbitrary<JsonNode> users() {
		return Combinators.combine(Arbitraries.of("User", "AppInstance", "user", "", "User "),
				Arbitraries.oneOf(Arbitraries.strings()
					.alpha()
					.numeric()
					.ofMinLength(0)
					.ofMaxLength(20)
					.map(s -> (JsonNode) JsonNodeFactory.instance.stringNode(s)), jsonValues(1)))
			.as((type, id) -> {
				ObjectNode node = JsonNodeFactory.instance.objectNode();
				node.put("type", type);
				node.set("id", id);
				return node;
			});
	}

	/** The record key the design asks for, computed here without the hook's code. */
	private static String expectedKey(JsonNode event, String uuid) {
		JsonNode targets = event.get("target");
		if (targets != null && targets.isArray()) {
			for (JsonNode target : targets) {
				String id = userIdOf(target);
				if (id != null) {
					return id;
				}
			}
		}
		String actor = userIdOf(event.get("actor"));
		return actor != null ? actor : uuid;
	}

	private static String userIdOf(JsonNode node) {
		if (node == null || !node.isObject() || !node.path("type").isString()
				|| !"User".equals(node.path("type").asString())) {
			return null;
		}
		JsonNode id = node.get("id");
		return id != null && id.isString() && !id.asString().isBlank() ? id.asString() : null;
	}

	// ---------------------------------------------------------------- invalid UTF-8

	@Property(tries = 60)
	void invalidUtf8InsideStringsIs400(@ForAll("invalidUtf8") byte[] sequence, @ForAll Utf8Place place) {
		Built delivery = Built.of(1);
		String marker = "\u0001MARK\u0001";
		String body = switch (place) {
			case EVENT_FIELD -> delivery.envelope(List.of(delivery.eventWith("\"note\":\"a" + marker + "b\"")), "");
			case UUID -> delivery
				.envelope(List.of("{\"uuid\":\"" + delivery.uuids().get(0) + marker + "\",\"eventType\":\"x\"}"), "");
			case EVENT_TYPE -> delivery.envelope(
					List.of("{\"uuid\":\"" + delivery.uuids().get(0) + "\",\"eventType\":\"x" + marker + "\"}"), "");
			case EVENT_FIELD_NAME -> delivery.envelope(List.of(delivery.eventWith("\"n" + marker + "\":1")), "");
			case ENVELOPE_FIELD -> delivery.envelope(delivery.events(), "\"note\":\"" + marker + "\",");
			case EVENT_ID ->
				delivery.envelopeWithRawId("\"" + delivery.deliveryId() + marker + "\"", delivery.events());
		};
		byte[] bytes = replaceMarker(body.getBytes(StandardCharsets.UTF_8), marker, sequence);

		Answer answer = post(bytes, "application/json", SECRET);

		tally("invalidUtf8", answer);
		delivery.remember(answer);
		Statistics.label("sequence").collect(hex(sequence));
		assertThat(StrictUtf8.isValid(bytes)).isFalse();
		assertThat(answer.status()).as(answer.describe(bytes) + " with " + hex(sequence) + " in " + place)
			.isEqualTo(400);
	}

	enum Utf8Place {

		EVENT_FIELD, UUID, EVENT_TYPE, EVENT_FIELD_NAME, ENVELOPE_FIELD, EVENT_ID

	}

	@Provide
	Arbitrary<byte[]> invalidUtf8() {
		int[][] known = { { 0x80 }, { 0xBF }, { 0xC3 }, { 0xC3, 0x28 }, { 0xE2, 0x82 }, { 0xF0, 0x9F, 0x98 },
				{ 0xC0, 0xAF }, { 0xC1, 0xBF }, { 0xE0, 0x80, 0xAF }, { 0xF0, 0x80, 0x80, 0xAF }, { 0xED, 0xA0, 0x80 },
				{ 0xED, 0xBF, 0xBF }, { 0xF4, 0x90, 0x80, 0x80 }, { 0xF5, 0x80, 0x80, 0x80 },
				{ 0xF8, 0x88, 0x80, 0x80, 0x80 }, { 0xFE }, { 0xFF } };
		Arbitrary<byte[]> listed = Arbitraries.of(known).map(HostileHookInputPropertyTests::bytes);
		// high bytes only, so that the sequence breaks nothing but the encoding
		Arbitrary<byte[]> random = Arbitraries.integers()
			.between(0x80, 0xFF)
			.map(i -> (byte) i.intValue())
			.array(byte[].class)
			.ofMinSize(1)
			.ofMaxSize(6)
			.filter(b -> !StrictUtf8.isValid(b));
		return Arbitraries.oneOf(listed, random);
	}

	// ---------------------------------------------------------------- media types and
	// secrets

	@Property(tries = 40)
	void anythingButJsonIs415(@ForAll("nonJsonTypes") String contentType) {
		Built delivery = Built.of(1);

		Answer answer = post(delivery.bytes(), contentType.equals("<none>") ? null : contentType, SECRET);

		tally("contentTypes", answer);
		delivery.remember(answer);
		Statistics.label("type").collect(contentType.length() > 30 ? "garbage" : contentType);
		assertThat(answer.status()).as(answer.describe(delivery.bytes()) + " as " + contentType).isEqualTo(415);
	}

	@Provide
	Arbitrary<String> nonJsonTypes() {
		Arbitrary<String> listed = Arbitraries.of("<none>", "text/plain", "text/plain; charset=utf-8",
				"application/xml", "text/xml", "multipart/form-data", "multipart/form-data; boundary=----x",
				"application/x-www-form-urlencoded", "application/octet-stream", "text/json", "application/jsonp",
				"application/*", "*/*", "*", "application", "application/", "/json", ";", ";;;", "application/json/x",
				"text/html, application/json", "%%%");
		Arbitrary<String> garbage = Arbitraries.strings()
			.withCharRange(' ', '~')
			.ofMinLength(1)
			.ofMaxLength(80)
			.filter(s -> !s.toLowerCase(Locale.ROOT).contains("json") && !s.isBlank());
		return Arbitraries.oneOf(listed, garbage);
	}

	@Property(tries = 60)
	void aMissingOrWrongSecretIs401WhateverTheBody(@ForAll("wrongSecrets") String secret, @ForAll BodyKind kind,
			@ForAll("smallRandomBytes") byte[] random, @ForAll("anyTypes") String contentType) {
		Built delivery = Built.of(2);
		byte[] body = switch (kind) {
			case DELIVERY -> delivery.bytes();
			case RANDOM -> random;
			case EMPTY -> new byte[0];
		};

		Answer answer = post(body, contentType.equals("<none>") ? null : contentType,
				secret.equals("<none>") ? null : secret);

		tally("secrets", answer);
		delivery.remember(answer);
		assertThat(answer.status()).as(answer.describe(body) + " with secret '" + secret + "' as " + contentType)
			.isEqualTo(401);
		assertThat(answer.body()).doesNotContain(SECRET);
	}

	@Provide
	Arbitrary<String> wrongSecrets() {
		Arbitrary<String> nearMisses = Combinators
			.combine(Arbitraries.of(SECRET, HttpTestSupport.ROTATED_SECRET), Arbitraries.integers().between(0, 1000),
					Arbitraries.chars().range('!', '~'), Arbitraries.integers().between(0, 3))
			.as((secret, at, c, how) -> {
				int i = at % secret.length();
				return switch (how) {
					case 0 -> secret.substring(0, i) + c + secret.substring(i); // one
																				// more
					case 1 -> secret.substring(0, i) + secret.substring(i + 1); // one
																				// less
					case 2 -> secret.substring(0, i) + (secret.charAt(i) == c ? (c == 'x' ? 'y' : 'x') : c)
							+ secret.substring(i + 1);
					default -> secret.substring(0, i);
				};
			});
		Arbitrary<String> others = Arbitraries.of("<none>", "Bearer " + SECRET, "Basic " + SECRET, "SSWS " + SECRET,
				SECRET.toUpperCase(Locale.ROOT), SECRET + "," + HttpTestSupport.ROTATED_SECRET, "null", "x");
		Arbitrary<String> random = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(100);
		return Arbitraries.oneOf(nearMisses, others, random)
			.filter(s -> !s.equals(SECRET) && !s.equals(HttpTestSupport.ROTATED_SECRET));
	}

	enum BodyKind {

		DELIVERY, RANDOM, EMPTY

	}

	@Provide
	Arbitrary<byte[]> smallRandomBytes() {
		return Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
	}

	@Provide
	Arbitrary<String> anyTypes() {
		return Arbitraries.of("application/json", "application/json; charset=utf-8", "<none>", "text/plain",
				"multipart/form-data", "multipart/form-data; boundary=----x", "application/x-www-form-urlencoded",
				"garbage");
	}

	// ---------------------------------------------------------------- oversized and slow
	// bodies

	@Property(tries = 6, shrinking = ShrinkingMode.OFF)
	void oversizedBodiesAre413WithoutBeingReadToTheEnd(@ForAll("oversizes") int size, @ForAll boolean chunked) {
		Built delivery = Built.of(1);
		byte[] prefix = ("{\"eventId\":\"" + delivery.deliveryId() + "\",\"data\":{\"events\":[{\"uuid\":\""
				+ delivery.uuids().get(0) + "\",\"eventType\":\"x\",\"pad\":\"")
			.getBytes(StandardCharsets.UTF_8);
		AtomicLong supplied = new AtomicLong();
		Supplier<InputStream> stream = () -> new PaddedStream(prefix, size, supplied);
		HttpRequest.BodyPublisher publisher = chunked ? BodyPublishers.ofInputStream(stream)
				: BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(stream), size);

		Answer answer = sendReadingTheHead(HttpRequest.newBuilder(uri("/hooks/okta"))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.header("Authorization", SECRET)
			.POST(publisher)
			.build());

		tally("oversized", answer);
		delivery.remember(answer);
		Statistics.label("transfer").collect(chunked ? "chunked" : "content-length");
		// the status comes from the head of the answer: after it Tomcat swallows at most
		// server.tomcat.max-swallow-size and then closes the connection, which may cut
		// the answer's
		// body short for a client that is still sending
		assertThat(answer.status()).as(answer + " for " + size + " bytes, chunked " + chunked).isEqualTo(413);
		assertThat(answer.took()).isLessThan(QUICK);
		if (size >= 48 * 1024 * 1024) {
			// the client reads ahead of the socket and the loopback buffers hold several
			// MiB: the
			// point is that well under the whole body left the client
			assertThat(supplied.get()).as("bytes the client got to send of " + size).isLessThan(size / 2);
		}
	}

	@Provide
	Arbitrary<Integer> oversizes() {
		int max = (int) limit;
		return Arbitraries.oneOf(Arbitraries.integers().between(max + 1, max + 1024 * 1024),
				Arbitraries.integers().between(48 * 1024 * 1024, 64 * 1024 * 1024));
	}

	/**
	 * A JSON prefix followed by as many {@code a}s as it takes to reach the size; counts
	 * what was read.
	 */
	static final class PaddedStream extends InputStream {

		private final byte[] prefix;

		private final long size;

		private final AtomicLong position;

		PaddedStream(byte[] prefix, long size, AtomicLong position) {
			this.prefix = prefix;
			this.size = size;
			this.position = position;
		}

		@Override
		public int read() {
			byte[] one = new byte[1];
			return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			long at = this.position.get();
			if (at >= this.size) {
				return -1;
			}
			int n = (int) Math.min(length, this.size - at);
			for (int i = 0; i < n; i++) {
				long p = at + i;
				buffer[offset + i] = p < this.prefix.length ? this.prefix[(int) p] : (byte) 'a';
			}
			this.position.addAndGet(n);
			return n;
		}

	}

	/**
	 * 64 MiB offered over a raw socket that reads while it writes, with a
	 * {@code Content-Length} and chunked: the 413 arrives while most of the body is still
	 * unsent.
	 */
	@Example
	void a64MiBBodyIsAnswered413LongBeforeItIsAllSent() throws Exception {
		long size = 64L * 1024 * 1024;
		for (boolean chunked : new boolean[] { false, true }) {
			Built delivery = Built.of(1);
			byte[] prefix = ("{\"eventId\":\"" + delivery.deliveryId() + "\",\"data\":{\"events\":[{\"uuid\":\""
					+ delivery.uuids().get(0) + "\",\"eventType\":\"x\",\"pad\":\"")
				.getBytes(StandardCharsets.UTF_8);
			AtomicLong written = new AtomicLong();
			long started = System.nanoTime();
			String head;
			long writtenAtAnswer;
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
				socket.setSoTimeout(10_000);
				OutputStream out = socket.getOutputStream();
				out.write(("POST /hooks/okta HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + SECRET
						+ "\r\nContent-Type: application/json\r\n"
						+ (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n") + "\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				Thread writer = new Thread(() -> {
					try (InputStream body = new PaddedStream(prefix, size, new AtomicLong())) {
						byte[] buffer = new byte[64 * 1024];
						int n;
						while ((n = body.read(buffer, 0, buffer.length)) > 0) {
							if (chunked) {
								out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
							}
							out.write(buffer, 0, n);
							if (chunked) {
								out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
							}
							written.addAndGet(n);
						}
						if (chunked) {
							out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
						}
					}
					catch (IOException ex) {
						// the server closed the connection: it stopped reading
					}
				}, "hostile-writer");
				writer.setDaemon(true);
				writer.start();
				head = readUntilClosedOrTimeout(socket.getInputStream());
				writtenAtAnswer = written.get();
				socket.close();
				writer.join(5000);
			}
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			Answer answer = new Answer(statusCode(head), head, took, null);
			tally("oversizedRaw", answer);
			delivery.remember(answer);

			assertThat(answer.status()).as((chunked ? "chunked: " : "with Content-Length: ") + head).isEqualTo(413);
			assertThat(writtenAtAnswer).as("bytes sent when the answer came").isLessThan(size / 2);
			assertThat(took).isLessThan(QUICK);
		}
	}

	/**
	 * A client that announces 1000 bytes, sends a few and stalls: Tomcat's read timeout
	 * (5 s) ends it with 408 or 400, or by closing the connection, and the service stays
	 * up.
	 */
	@Example
	void aStalledBodyIsEndedByTheServerWithinTheReadTimeout() throws IOException {
		Built delivery = Built.of(1);
		String partial = "{\"eventId\":\"" + delivery.deliveryId() + "\",\"data\":{\"events\":[";
		long started = System.nanoTime();
		String answer;
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(15_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /hooks/okta HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + SECRET
					+ "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n" + partial)
				.getBytes(StandardCharsets.UTF_8));
			out.flush();
			answer = readUntilClosedOrTimeout(socket.getInputStream());
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		String statusLine = answer.lines().findFirst().orElse("");

		Answer answered = new Answer(statusCode(statusLine), answer, took, null);
		tally("stalledBody", answered);
		delivery.remember(answered);
		assertThat(took).as("the server ended the stalled request; it answered: " + statusLine)
			.isLessThan(Duration.ofSeconds(12));
		if (!statusLine.isEmpty()) {
			assertThat(statusCode(statusLine)).as(answer).isIn(400, 408);
		}
	}

	/**
	 * Reads what the server sends until it closes the connection (or resets it); fails on
	 * the client timeout.
	 */
	private static String readUntilClosedOrTimeout(InputStream in) {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				received.write(buffer, 0, n);
				if (received.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
					// the head of an answer: enough
					break;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			fail("the server neither answered nor closed the connection within 15 s; got: "
					+ received.toString(StandardCharsets.ISO_8859_1));
		}
		catch (IOException ex) {
			// reset by the server: it ended the request
		}
		return received.toString(StandardCharsets.ISO_8859_1);
	}

	private static int statusCode(String statusLine) {
		Matcher matcher = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(statusLine);
		return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
	}

	// ---------------------------------------------------------------- encodings other
	// than UTF-8

	/**
	 * A delivery in UTF-16 or UTF-32 (which Jackson detects from the first bytes): the
	 * hook must not fail on it. Either it refuses it (400/415: Okta sends UTF-8 only) or
	 * it publishes the events.
	 */
	@Property(tries = 10)
	void aDeliveryInAnotherUnicodeEncodingIsNeverA5xx(@ForAll("encodings") String encoding) {
		Built delivery = Built.of(2);
		byte[] body = delivery.text().getBytes(Charset.forName(encoding));

		Answer answer = post(body, "application/json", SECRET);

		tally("otherEncodings", answer);
		Statistics.label("encoding").collect(encoding);
		assertThat(answer.status()).as(answer + " for a delivery in " + encoding).isIn(200, 400, 415);
		if (answer.status() == 200) {
			List<ConsumerRecord<String, byte[]>> records = events.awaitRecords(2,
					r -> delivery.deliveryId().equals(TopicProbe.header(r, OktaEventHeaders.DELIVERY_ID)));
			for (ConsumerRecord<String, byte[]> record : records) {
				String uuid = TopicProbe.header(record, OktaEventHeaders.EVENT_UUID);
				assertThat(json.readTree(record.value()))
					.isEqualTo(json.readTree(delivery.events().get(delivery.uuids().indexOf(uuid))));
			}
		}
		delivery.remember(answer);
	}

	@Provide
	Arbitrary<String> encodings() {
		return Arbitraries.of("UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE");
	}

	// ---------------------------------------------------------------- the validity rule

	enum Validity {

		VALID, INVALID,
		/** Valid except for a duplicate key, which the hook may take either way. */
		AMBIGUOUS

	}

	/**
	 * A JSON object (UTF-8, nothing after it) whose {@code eventId}, when present, is a
	 * string or null and whose {@code data.events} is an array of objects that each have
	 * a non-blank string {@code uuid} and {@code eventType}.
	 */
	static Validity validity(byte[] body) {
		if (!StrictUtf8.isValid(body)) {
			return Validity.INVALID;
		}
		JsonNode root;
		try {
			root = lenient.readTree(body);
		}
		catch (JacksonException ex) {
			return Validity.INVALID;
		}
		if (root == null || !root.isObject()) {
			return Validity.INVALID;
		}
		JsonNode eventId = root.get("eventId");
		if (eventId != null && !eventId.isString() && !eventId.isNull()) {
			return Validity.INVALID;
		}
		JsonNode events = root.path("data").path("events");
		if (!root.path("data").isObject() || !events.isArray()) {
			return Validity.INVALID;
		}
		for (JsonNode event : events) {
			if (!event.isObject() || !nonBlankString(event.get("uuid")) || !nonBlankString(event.get("eventType"))) {
				return Validity.INVALID;
			}
		}
		try {
			strict.readTree(body);
			return Validity.VALID;
		}
		catch (JacksonException ex) {
			return Validity.AMBIGUOUS;
		}
	}

	private static boolean nonBlankString(JsonNode node) {
		return node != null && node.isString() && !node.asString().isBlank();
	}

	private static void expectByValidity(Answer answer, Validity validity, byte[] body) {
		switch (validity) {
			case VALID -> assertThat(answer.status()).as(answer.describe(body)).isEqualTo(200);
			case INVALID -> {
				assertThat(answer.status()).as(answer.describe(body)).isEqualTo(400);
				assertThat(answer.errorMessage()).isNotBlank();
			}
			case AMBIGUOUS -> assertThat(answer.status()).as(answer.describe(body)).isIn(200, 400);
		}
	}

	// ---------------------------------------------------------------- deliveries built
	// for one try

	/**
	 * A valid, ASCII-only delivery with fresh ids, and its parts for building broken
	 * variants.
	 */
	record Built(String deliveryId, List<String> uuids, List<String> events) {

		static Built of(int eventCount) {
			String deliveryId = "hostile-" + Deliveries.newUuid();
			List<String> uuids = new ArrayList<>();
			List<String> events = new ArrayList<>();
			for (int i = 0; i < eventCount; i++) {
				String uuid = Deliveries.newUuid();
				uuids.add(uuid);
				events.add(Deliveries.sessionStartEvent(uuid, Deliveries.newUserId()).replace("\n", ""));
			}
			return new Built(deliveryId, uuids, events);
		}

		String text() {
			return envelope(this.events, "");
		}

		byte[] bytes() {
			return text().getBytes(StandardCharsets.UTF_8);
		}

		/**
		 * The envelope around these events; {@code extra} goes right after the opening
		 * brace.
		 */
		String envelope(List<String> events, String extra) {
			return envelopeWithRawId("\"" + this.deliveryId + "\"", events).replaceFirst("^\\{",
					"{" + Matcher.quoteReplacement(extra));
		}

		String envelopeWithRawId(String rawId, List<String> events) {
			return "{\"eventType\":\"com.okta.event_hook\",\"eventTypeVersion\":\"1.0\",\"cloudEventsVersion\":\"0.1\","
					+ "\"source\":\"https://example.okta.com/api/v1/eventHooks/whoHostile\",\"eventId\":" + rawId
					+ ",\"eventTime\":\"2026-11-28T09:12:46.550Z\",\"contentType\":\"application/json\","
					+ "\"data\":{\"events\":[" + String.join(",", events) + "]}}";
		}

		/** The first event with one more field (raw JSON {@code "name":value}). */
		String eventWith(String field) {
			String event = this.events.get(0);
			return event.substring(0, event.length() - 1) + "," + field + "}";
		}

		String eventWithout(String field, int index) {
			JsonNode event = json.readTree(this.events.get(index));
			((ObjectNode) event).remove(field);
			return event.toString();
		}

		/**
		 * Remembers this delivery's ids when it was not accepted: nothing may ever be
		 * published under them.
		 */
		void remember(Answer answer) {
			if (answer.status() != 200) {
				rejectedDeliveries.add(this.deliveryId);
				rejectedUuids.addAll(this.uuids);
			}
		}

	}

	private static List<String> replace(List<String> events, int index, String replacement) {
		List<String> copy = new ArrayList<>(events);
		copy.set(index, replacement);
		return copy;
	}

	private static String describe(ConsumerRecord<String, byte[]> record) {
		return "delivery " + TopicProbe.header(record, OktaEventHeaders.DELIVERY_ID) + " event "
				+ TopicProbe.header(record, OktaEventHeaders.EVENT_UUID) + " (" + record.value().length + " bytes)";
	}

	private static boolean fromRejectedRequest(ConsumerRecord<String, byte[]> record) {
		return rejectedDeliveries.contains(TopicProbe.header(record, OktaEventHeaders.DELIVERY_ID))
				|| rejectedUuids.contains(TopicProbe.header(record, OktaEventHeaders.EVENT_UUID));
	}

	// ---------------------------------------------------------------- JSON values

	private static Arbitrary<String> fieldNames() {
		return Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12), unicodeStrings(16));
	}

	private static Arbitrary<String> unicodeStrings(int maxLength) {
		return Arbitraries.strings()
			.withCharRange('\u0000', '\uD7FF')
			.withCharRange('\uE000', '\uFFFD')
			.withChars("\"\\/\b\f\n\r\t\u2028\u2029\u00e9\u4e2d")
			.ofMaxLength(maxLength);
	}

	private static Arbitrary<String> jsonStrings() {
		return Arbitraries.oneOf(unicodeStrings(20), Arbitraries.of("\uD83D\uDE00 emoji", "caf\u00e9"))
			.map(s -> json.writeValueAsString(s));
	}

	private static Arbitrary<JsonNode> jsonValues(int depth) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		Arbitrary<JsonNode> leaves = Arbitraries.oneOf(Arbitraries.just(nodes.nullNode()),
				Arbitraries.of(true, false).map(nodes::booleanNode), Arbitraries.integers().map(nodes::numberNode),
				Arbitraries.longs().map(nodes::numberNode),
				Arbitraries.doubles().filter(Double::isFinite).map(nodes::numberNode),
				Arbitraries.bigDecimals()
					.between(new BigDecimal("-1e30"), new BigDecimal("1e30"))
					.ofScale(10)
					.map(nodes::numberNode),
				unicodeStrings(40).map(nodes::stringNode));
		if (depth <= 0) {
			return leaves;
		}
		Arbitrary<JsonNode> arrays = jsonValues(depth - 1).list().ofMaxSize(4).map(list -> {
			ArrayNode array = nodes.arrayNode();
			list.forEach(array::add);
			return array;
		});
		Arbitrary<JsonNode> objects = Arbitraries.maps(fieldNames(), jsonValues(depth - 1)).ofMaxSize(4).map(map -> {
			ObjectNode object = nodes.objectNode();
			map.forEach(object::set);
			return object;
		});
		return Arbitraries.frequencyOf(Tuple.of(4, leaves), Tuple.of(1, arrays), Tuple.of(1, objects));
	}

	// ---------------------------------------------------------------- HTTP

	record Answer(int status, String body, Duration took, Throwable failure) {

		String errorMessage() {
			try {
				return json.readTree(this.body).path("message").asString("");
			}
			catch (JacksonException ex) {
				return "";
			}
		}

		String describe(byte[] sent) {
			String shown = new String(sent, 0, Math.min(sent.length, 300), StandardCharsets.ISO_8859_1);
			return this + " for " + sent.length + " bytes: " + shown + (sent.length > 300 ? "..." : "");
		}

		@Override
		public String toString() {
			return this.failure != null ? "no answer (" + this.failure + ") after " + this.took.toMillis() + " ms"
					: this.status + " " + (this.body.length() > 300 ? this.body.substring(0, 300) : this.body)
							+ " after " + this.took.toMillis() + " ms";
		}

	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	static Answer post(byte[] body, String contentType, String secret) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri("/hooks/okta"))
			.timeout(Duration.ofSeconds(10))
			.POST(BodyPublishers.ofByteArray(body));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (secret != null) {
			request.header("Authorization", secret);
		}
		return send(request.build());
	}

	/**
	 * Like {@link #send}, but the status is taken from the head even when the body is cut
	 * short.
	 */
	static Answer sendReadingTheHead(HttpRequest request) {
		long started = System.nanoTime();
		AtomicInteger status = new AtomicInteger(-1);
		try {
			HttpResponse<String> response = http.send(request, info -> {
				status.set(info.statusCode());
				return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
			});
			return new Answer(response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - started),
					null);
		}
		catch (IOException ex) {
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			return status.get() > 0 ? new Answer(status.get(), "(body cut short: " + ex.getMessage() + ")", took, null)
					: new Answer(-1, "", took, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Answer send(HttpRequest request) {
		return send(http, request);
	}

	static Answer send(HttpClient client, HttpRequest request) {
		long started = System.nanoTime();
		try {
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - started),
					null);
		}
		catch (IOException ex) {
			return new Answer(-1, "", Duration.ofNanos(System.nanoTime() - started), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	// ---------------------------------------------------------------- bookkeeping

	private static synchronized void tally(String property, Answer answer) {
		String key = answer.failure() != null
				? answer.failure().getClass().getSimpleName() + "(" + answer.failure().getMessage() + ")"
				: String.valueOf(answer.status());
		answers.computeIfAbsent(property, p -> new TreeMap<>()).merge(key, 1, Integer::sum);
		Statistics.label("answer").collect(key);
	}

	private static synchronized void printSummary() {
		StringBuilder summary = new StringBuilder("\nHostile hook input, answers by property:\n");
		answers.forEach((property, counts) -> summary.append(String.format("  %-16s tries=%-4d answers=%s%n", property,
				counts.values().stream().mapToInt(Integer::intValue).sum(), counts)));
		summary.append(String.format("  rejected deliveries: %d, of which published anyway: %d%n",
				rejectedDeliveries.size(), leaked.size()));
		System.out.println(summary);
	}

	// ---------------------------------------------------------------- bytes

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static byte[] bytes(int[] values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	private static String hex(byte[] bytes) {
		StringBuilder hex = new StringBuilder();
		for (byte b : bytes) {
			hex.append(String.format("%02X ", b & 0xFF));
		}
		return hex.toString().trim();
	}

	private static byte[] replaceMarker(byte[] body, String marker, byte[] replacement) {
		byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i + needle.length <= body.length; i++) {
			boolean match = true;
			for (int j = 0; j < needle.length && match; j++) {
				match = body[i + j] == needle[j];
			}
			if (match) {
				return concat(Arrays.copyOfRange(body, 0, i), replacement,
						Arrays.copyOfRange(body, i + needle.length, body.length));
			}
		}
		throw new IllegalArgumentException("no marker");
	}

}
