package dev.factorhealer.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BiFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.stream.binder.kafka.ListenerContainerWithDlqAndRetryCustomizer;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

import dev.factorhealer.system.Causes;

/**
 * Moves retry and dead-lettering from the binder into the listener container
 * (spring-kafka's {@link DefaultErrorHandler} with a
 * {@link DeadLetterPublishingRecoverer}), as the Spring Cloud Stream reference recommends
 * when retries must stay below {@code max.poll.interval.ms} and when the dead letter must
 * carry more than the binder adds.
 */
class StuckRecordErrorHandling implements ListenerContainerWithDlqAndRetryCustomizer {

	private static final Logger log = LoggerFactory.getLogger(StuckRecordErrorHandling.class);

	private final KafkaOperations<byte[], byte[]> template;

	private final MeterRegistry registry;

	private final Clock clock;

	StuckRecordErrorHandling(KafkaOperations<byte[], byte[]> template, MeterRegistry registry, Clock clock) {
		this.template = template;
		this.registry = registry;
		this.clock = clock;
	}

	@Override
	public void configure(AbstractMessageListenerContainer<?, ?> container, String destinationName, String group,
			BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> dlqDestinationResolver, BackOff backOff) {
		if (dlqDestinationResolver == null) {
			return;
		}
		String dlq = dlqDestinationResolver.apply(new ConsumerRecord<>(destinationName, 0, 0, null, null), null)
			.topic();
		// the counter exists, at 0, from the start: alerts and dashboards see a series to
		// compare with
		deadLettered(dlq);
		container.getContainerProperties().setDeliveryAttemptHeader(true);
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(this.template,
				(record, ex) -> new TopicPartition(dlqDestinationResolver.apply(record, ex).topic(), -1));
		recoverer.setHeadersFunction((record, exception) -> stuckHeaders(record, exception, dlq));
		recoverer.setFailIfSendResultIsError(true);
		DefaultErrorHandler handler = new DefaultErrorHandler(recoverer,
				backOff != null ? backOff : new FixedBackOff(0, 0));
		handler.addNotRetryableExceptions(UnprocessableRecordException.class);
		handler.setCommitRecovered(true);
		container.setCommonErrorHandler(handler);
		log.info("Records of {} that cannot be processed go to {}", destinationName, dlq);
	}

	@Override
	public boolean retryAndDlqInBinding(String destinationName, String group) {
		return false;
	}

	private Headers stuckHeaders(ConsumerRecord<?, ?> record, Exception exception, String dlq) {
		Throwable cause = failure(exception);
		String reason = reason(cause);
		String attempts = attempts(record);
		RecordHeaders headers = new RecordHeaders();
		headers.add(text(StuckRecordHeaders.EXCEPTION, cause.getClass().getName()));
		headers.add(text(StuckRecordHeaders.REASON, reason));
		headers.add(text(StuckRecordHeaders.ATTEMPTS, attempts));
		headers.add(text(StuckRecordHeaders.DEAD_LETTERED_AT, Instant.now(this.clock).toString()));
		String key = keyText(record.key());
		if (key != null) {
			headers.add(text(StuckRecordHeaders.ORIGINAL_KEY, key));
		}
		deadLettered(dlq).increment();
		log.error("Dead-lettered {}-{}@{} (key {}) after {} attempt(s) to {}: {}", record.topic(), record.partition(),
				record.offset(), key, attempts, dlq, reason);
		return headers;
	}

	/**
	 * What really failed the record: an {@link UnprocessableRecordException} (its message
	 * is the reason) wherever it sits in the chain, else the deepest cause under the
	 * framework's wrappers.
	 */
	static Throwable failure(Throwable exception) {
		return Causes.find(exception, UnprocessableRecordException.class)
			.map(Throwable.class::cast)
			.orElseGet(() -> Causes.root(exception));
	}

	/**
	 * A one-line reason for operators: the failure's message, at most 1000 characters.
	 */
	static String reason(Throwable failure) {
		String message = failure.getMessage();
		String reason = message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
		return reason.length() > 1000 ? reason.substring(0, 1000) : reason;
	}

	private Counter deadLettered(String topic) {
		return Counter.builder("healer.deadletter.records")
			.description("Records sent to a stuck-event topic")
			.tag("topic", topic)
			.register(this.registry);
	}

	private static String attempts(ConsumerRecord<?, ?> record) {
		Header header = record.headers().lastHeader(StuckRecordHeaders.DELIVERY_ATTEMPT);
		if (header != null && header.value().length == 4) {
			return String.valueOf(ByteBuffer.wrap(header.value()).getInt());
		}
		return "1";
	}

	private static String keyText(Object key) {
		if (key instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return key == null ? null : key.toString();
	}

	private static Header text(String name, String value) {
		return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
