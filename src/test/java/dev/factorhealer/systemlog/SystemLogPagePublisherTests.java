package dev.factorhealer.systemlog;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.factorhealer.events.EventSource;
import dev.factorhealer.events.OktaEvent;
import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.okta.LogPage;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.TopicProbe;
import dev.factorhealer.system.KafkaTopics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A page's events on a real topic: in one batch, under a delivery id of the page's link,
 * keyed by user; an event Kafka refuses as too large is skipped and the rest of its page
 * still made durable; any other refusal leaves the page not durable. The producer here
 * accepts records of up to {@value #MAX_REQUEST_BYTES} bytes, so "too large" is Kafka's
 * own {@code RecordTooLargeException} without an 8 MB event.
 */
@ExtendWith(OutputCaptureExtension.class)
class SystemLogPagePublisherTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final int MAX_REQUEST_BYTES = 4096;

	private static final URI LINK = URI.create("https://example.okta.com/api/v1/logs?limit=100&after=abc");

	private final List<KafkaTemplate<String, byte[]>> templates = new ArrayList<>();

	@AfterEach
	void close() {
		this.templates.forEach(template -> template.getProducerFactory().reset());
	}

	@Test
	void aPageGoesInOneBatchKeyedByUserUnderADeliveryIdOfItsLink() throws Exception {
		String topic = newTopic();
		TopicPublisher kafka = new TopicPublisher(topic, KafkaTestBroker.bootstrapServers());
		LogPage page = page(event("00uAna", 100), event("00uLi", 100));

		try (TopicProbe probe = TopicProbe.open(topic)) {
			int durable = new SystemLogPagePublisher(kafka, Duration.ofSeconds(10)).publish(page, "systemlog:page-1");

			assertThat(durable).isEqualTo(2);
			assertThat(kafka.batches).containsExactly(2);
			assertThat(probe.awaitRecords(2, r -> true)).extracting(ConsumerRecord::key)
				.containsExactlyInAnyOrder("00uAna", "00uLi");
		}
		assertThat(SystemLogPagePublisher.deliveryId(page)).startsWith("systemlog:")
			.isEqualTo(SystemLogPagePublisher.deliveryId(page(event("00uOther", 10))))
			.isNotEqualTo(SystemLogPagePublisher.deliveryId(new LogPage(URI.create(LINK + "2"), List.of(), null)));
	}

	@Test
	void anEventLargerThanKafkaAcceptsIsSkippedAndTheRestOfItsPageIsDurable(CapturedOutput output) throws Exception {
		String topic = newTopic();
		TopicPublisher kafka = new TopicPublisher(topic, KafkaTestBroker.bootstrapServers());
		LogPage.Event before = event("00uBefore", 100);
		LogPage.Event oversize = event("00uHuge", 2 * MAX_REQUEST_BYTES);
		LogPage.Event after = event("00uAfter", 100);

		try (TopicProbe probe = TopicProbe.open(topic)) {
			int durable = new SystemLogPagePublisher(kafka, Duration.ofSeconds(10))
				.publish(page(before, oversize, after), "systemlog:page-2");

			assertThat(durable).isEqualTo(2);
			assertThat(kafka.batches).as("the page, then one event at a time").containsExactly(3, 1, 1, 1);
			assertThat(probe.settle(Duration.ofSeconds(1))).extracting(ConsumerRecord::key)
				.contains("00uBefore", "00uAfter")
				.doesNotContain("00uHuge");
		}
		assertThat(output).contains("System Log event " + oversize.uuid() + " of user 00uHuge ("
				+ oversize.json().length + " bytes) is larger than okta.events accepts: skipped");
	}

	@Test
	void anyOtherRefusalLeavesThePageNotDurable() {
		TopicPublisher kafka = new TopicPublisher("okta.events.unreachable", SystemLogKafka.UNREACHABLE);

		assertThatThrownBy(() -> new SystemLogPagePublisher(kafka, Duration.ofSeconds(2))
			.publish(page(event("00uAna", 100), event("00uLi", 100)), "systemlog:page-3"))
			.isInstanceOf(OktaEventPublisher.EventsNotDurableException.class);
		assertThat(kafka.batches).as("no event-by-event retry").containsExactly(2);
	}

	@Test
	void anEmptyPagePublishesNothing() throws Exception {
		TopicPublisher kafka = new TopicPublisher("okta.events.unreachable", SystemLogKafka.UNREACHABLE);

		assertThat(new SystemLogPagePublisher(kafka, Duration.ofSeconds(2)).publish(page(), "systemlog:page-4"))
			.isZero();
		assertThat(kafka.batches).isEmpty();
	}

	private static String newTopic() {
		String name = "okta.events.systemlog-test-" + UUID.randomUUID();
		SystemLogKafka.admin().createOrModifyTopics(KafkaTopics.topic(name, 1).build());
		return name;
	}

	private static LogPage page(LogPage.Event... events) {
		return new LogPage(LINK, List.of(events), URI.create(LINK + "&next"));
	}

	/** A failed MFA check of {@code user}, padded to about {@code size} bytes. */
	private static LogPage.Event event(String user, int size) {
		Map<String, Object> event = new HashMap<>();
		event.put("uuid", UUID.randomUUID().toString());
		event.put("published", "2026-12-01T10:00:00.000Z");
		event.put("eventType", "user.authentication.auth_via_mfa");
		event.put("actor", Map.of("id", user, "type", "User"));
		event.put("outcome", Map.of("result", "FAILURE"));
		event.put("padding", "x".repeat(size));
		byte[] bytes = json.writeValueAsBytes(event);
		return new LogPage.Event(bytes, json.readTree(bytes));
	}

	/**
	 * The {@code okta.events} publisher's contract over a real producer: one send per
	 * event, every acknowledgement waited for, a refusal thrown with Kafka's cause.
	 * Records the size of each batch.
	 */
	private final class TopicPublisher implements OktaEventPublisher {

		private final String topic;

		private final KafkaTemplate<String, byte[]> template;

		private final List<Integer> batches = new ArrayList<>();

		TopicPublisher(String topic, String bootstrapServers) {
			this.topic = topic;
			Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
					ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES, ProducerConfig.MAX_BLOCK_MS_CONFIG, 500,
					ProducerConfig.ACKS_CONFIG, "all");
			this.template = new KafkaTemplate<>(
					new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer()));
			SystemLogPagePublisherTests.this.templates.add(this.template);
		}

		@Override
		public void publish(String deliveryId, EventSource source, List<OktaEvent> events, Duration deadline)
				throws EventsNotDurableException {
			this.batches.add(events.size());
			try {
				List<CompletableFuture<?>> acks = new ArrayList<>();
				for (OktaEvent event : events) {
					ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.topic, event.key(), event.json());
					record.headers().add("source", source.header().getBytes(StandardCharsets.UTF_8));
					acks.add(this.template.send(record));
				}
				CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
					.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				throw new EventsNotDurableException("Kafka refused an event: " + ex.getCause(), ex.getCause());
			}
			catch (Exception ex) {
				throw new EventsNotDurableException("Kafka did not acknowledge: " + ex, ex);
			}
		}

	}

}
