package dev.factorhealer.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

import static org.assertj.core.api.Assertions.assertThat;

class StuckRecordErrorHandlingTests {

	private static final String TOPIC = "okta.remediation.requests";

	private static final String DLQ = "okta.remediation.requests.dlq";

	private static final Instant NOW = Instant.parse("2031-03-01T10:00:00Z");

	/** Kafka's own test producer, kept open across the template's sends. */
	private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
			new ByteArraySerializer()) {

		@Override
		public void close(Duration timeout) {
		}

	};

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private KafkaMessageListenerContainer<byte[], byte[]> container;

	@BeforeEach
	void configure() {
		StuckRecordErrorHandling handling = new StuckRecordErrorHandling(new KafkaTemplate<>(() -> this.producer),
				this.registry, Clock.fixed(NOW, ZoneOffset.UTC));
		this.container = new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(Map.of()),
				new ContainerProperties(TOPIC));
		handling.configure(this.container, TOPIC, "healer-remediation", (record, ex) -> new TopicPartition(DLQ, -1),
				null);
	}

	@Test
	void anUnprocessableRecordGoesToTheStuckTopicWithItsReasonKeyAndTime() {
		ConsumerRecord<byte[], byte[]> record = record("00uA");

		boolean recovered = handle(record, new ListenerExecutionFailedException("Listener failed",
				new IllegalStateException("wrapper", new UnprocessableRecordException("deletion cap reached: 100"))));

		assertThat(recovered).isTrue();
		ProducerRecord<byte[], byte[]> dead = this.producer.history().get(0);
		assertThat(dead.topic()).isEqualTo(DLQ);
		assertThat(dead.key()).isEqualTo(record.key());
		assertThat(dead.value()).isEqualTo(record.value());
		assertThat(StuckRecordHeaders.text(dead.headers(), StuckRecordHeaders.EXCEPTION))
			.isEqualTo(UnprocessableRecordException.class.getName());
		assertThat(StuckRecordHeaders.text(dead.headers(), StuckRecordHeaders.REASON))
			.isEqualTo("deletion cap reached: 100");
		assertThat(StuckRecordHeaders.text(dead.headers(), StuckRecordHeaders.ATTEMPTS)).isEqualTo("1");
		assertThat(StuckRecordHeaders.text(dead.headers(), StuckRecordHeaders.DEAD_LETTERED_AT))
			.isEqualTo(NOW.toString());
		assertThat(StuckRecordHeaders.text(dead.headers(), StuckRecordHeaders.ORIGINAL_KEY)).isEqualTo("00uA");
		assertThat(StuckRecordHeaders.text(dead.headers(), StuckRecordHeaders.ORIGINAL_TOPIC)).isEqualTo(TOPIC);
		assertThat(StuckRecordHeaders.originalLong(dead.headers(), StuckRecordHeaders.ORIGINAL_OFFSET)).isEqualTo(42);
	}

	@Test
	void anyOtherFailureIsDescribedByItsDeepestCause() {
		handle(record("00uB"), new ListenerExecutionFailedException("Listener failed",
				new RuntimeException("wrapper", new IllegalStateException("connection reset"))));

		ProducerRecord<byte[], byte[]> dead = this.producer.history().get(0);
		assertThat(StuckRecordHeaders.text(dead.headers(), StuckRecordHeaders.EXCEPTION))
			.isEqualTo(IllegalStateException.class.getName());
		assertThat(StuckRecordHeaders.text(dead.headers(), StuckRecordHeaders.REASON)).isEqualTo("connection reset");
	}

	@Test
	void aFailureWithoutMessageIsNamedByItsClassAndALongReasonIsCut() {
		handle(record("00uC"), new ListenerExecutionFailedException("Listener failed", new NullPointerException()));
		handle(record("00uD"), new UnprocessableRecordException("x".repeat(5000)));

		assertThat(StuckRecordHeaders.text(this.producer.history().get(0).headers(), StuckRecordHeaders.REASON))
			.isEqualTo("NullPointerException");
		assertThat(StuckRecordHeaders.text(this.producer.history().get(1).headers(), StuckRecordHeaders.REASON))
			.hasSize(1000);
	}

	@Test
	void countsEveryDeadLetterFromZero() {
		assertThat(deadLettered()).isZero();

		handle(record("00uE"), new UnprocessableRecordException("bad payload"));
		handle(record("00uF"), new UnprocessableRecordException("bad payload"));

		assertThat(deadLettered()).isEqualTo(2);
	}

	private boolean handle(ConsumerRecord<byte[], byte[]> record, Exception ex) {
		CommonErrorHandler handler = this.container.getCommonErrorHandler();
		return handler.handleOne(ex, record, new MockConsumer<>("earliest"), this.container);
	}

	private double deadLettered() {
		return this.registry.get("healer.deadletter.records").tag("topic", DLQ).counter().count();
	}

	private static ConsumerRecord<byte[], byte[]> record(String user) {
		return new ConsumerRecord<>(TOPIC, 1, 42, user.getBytes(StandardCharsets.UTF_8),
				("{\"userId\":\"" + user + "\"}").getBytes(StandardCharsets.UTF_8));
	}

}
