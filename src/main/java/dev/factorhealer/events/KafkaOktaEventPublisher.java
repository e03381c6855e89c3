package dev.factorhealer.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends all events of a batch without waiting in between, then waits once for every
 * acknowledgement, so a 10-event delivery costs one round trip rather than ten.
 */
class KafkaOktaEventPublisher implements OktaEventPublisher {

	private final KafkaTemplate<String, byte[]> template;

	private final String topic;

	KafkaOktaEventPublisher(KafkaTemplate<String, byte[]> template, String topic) {
		this.template = template;
		this.topic = topic;
	}

	@Override
	public void publish(String deliveryId, EventSource source, List<OktaEvent> events, Duration deadline)
			throws EventsNotDurableException {
		long deadlineNanos = System.nanoTime() + deadline.toNanos();
		CompletableFuture<?>[] acks = new CompletableFuture<?>[events.size()];
		try {
			for (int i = 0; i < acks.length; i++) {
				acks[i] = this.template.send(toRecord(deliveryId, source, events.get(i)));
			}
			CompletableFuture.allOf(acks).get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new EventsNotDurableException("Kafka did not acknowledge " + pending(acks) + " of " + acks.length
					+ " events within " + deadline.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			throw new EventsNotDurableException("Kafka refused an event: " + ex.getCause(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EventsNotDurableException("interrupted while waiting for Kafka", ex);
		}
		catch (RuntimeException ex) {
			// send() itself throws when no metadata arrives within max.block.ms (broker gone)
			throw new EventsNotDurableException("Kafka is not reachable: " + ex.getMessage(), ex);
		}
	}

	private static long pending(CompletableFuture<?>[] acks) {
		long pending = 0;
		for (CompletableFuture<?> ack : acks) {
			if (ack == null || !ack.isDone() || ack.isCompletedExceptionally()) {
				pending++;
			}
		}
		return pending;
	}

	private ProducerRecord<String, byte[]> toRecord(String deliveryId, EventSource source, OktaEvent event) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(new RecordHeader(OktaEventHeaders.DELIVERY_ID, utf8(deliveryId)));
		headers.add(new RecordHeader(OktaEventHeaders.EVENT_UUID, utf8(event.uuid())));
		headers.add(new RecordHeader(OktaEventHeaders.EVENT_TYPE, utf8(event.eventType())));
		headers.add(new RecordHeader(OktaEventHeaders.SOURCE, utf8(source.header())));
		return new ProducerRecord<>(this.topic, null, event.key(), event.json(), headers);
	}

	private static byte[] utf8(String value) {
		return (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
	}

}
