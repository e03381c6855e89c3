package dev.factorhealer.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Hands all events of a batch to the producer without waiting in between, then waits once
 * for every acknowledgement, so a 10-event delivery costs one round trip rather than ten.
 * The batch shares one acknowledgement callback ({@link BatchAcks}) and the headers that
 * are the same for every event, so a send allocates only the record itself.
 */
class KafkaOktaEventPublisher implements OktaEventPublisher, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(KafkaOktaEventPublisher.class);

	private final ProducerFactory<String, byte[]> producers;

	private final String topic;

	private final Map<EventSource, Header> sourceHeaders = new EnumMap<>(EventSource.class);

	private final AtomicBoolean warming = new AtomicBoolean();

	KafkaOktaEventPublisher(ProducerFactory<String, byte[]> producers, String topic) {
		this.producers = producers;
		this.topic = topic;
		for (EventSource source : EventSource.values()) {
			this.sourceHeaders.put(source, new RecordHeader(OktaEventHeaders.SOURCE, utf8(source.header())));
		}
	}

	@Override
	public void publish(String deliveryId, EventSource source, List<OktaEvent> events, Duration deadline)
			throws EventsNotDurableException {
		long deadlineNanos = System.nanoTime() + deadline.toNanos();
		BatchAcks acks = new BatchAcks(events.size());
		Header delivery = new RecordHeader(OktaEventHeaders.DELIVERY_ID, utf8(deliveryId));
		Header from = this.sourceHeaders.get(source);
		try {
			// the factory's one shared, thread-safe producer
			Producer<String, byte[]> producer = this.producers.createProducer();
			for (OktaEvent event : events) {
				if (acks.failure() != null || System.nanoTime() - deadlineNanos >= 0) {
					// a send that failed at once (e.g. no metadata within max.block.ms)
					// fails the rest too
					break;
				}
				producer.send(toRecord(delivery, from, event), acks);
			}
			acks.await(deadlineNanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EventsNotDurableException("interrupted while waiting for Kafka", ex);
		}
		catch (RuntimeException ex) {
			// send() itself may throw when the producer is closed or the record cannot be
			// serialized
			throw new EventsNotDurableException("Kafka is not reachable: " + ex.getMessage(), ex);
		}
		if (acks.failure() != null) {
			throw new EventsNotDurableException("Kafka refused an event: " + acks.failure(), acks.failure());
		}
		if (acks.pending() > 0) {
			throw new EventsNotDurableException("Kafka did not acknowledge " + acks.pending() + " of " + events.size()
					+ " events within " + deadline.toMillis() + " ms", null);
		}
	}

	/**
	 * Creates the producer and fetches the topic's metadata in the background, once, so
	 * that the first deliveries after start-up do not pay for both within their deadline.
	 */
	void warmUp() {
		if (!this.warming.compareAndSet(false, true)) {
			return;
		}
		Thread thread = new Thread(() -> {
			try {
				this.producers.createProducer().partitionsFor(this.topic);
			}
			catch (RuntimeException ex) {
				log.debug("The okta.events producer could not fetch metadata yet; the first delivery will", ex);
			}
		}, "healer-hook-producer-warm-up");
		thread.setDaemon(true);
		thread.start();
	}

	private ProducerRecord<String, byte[]> toRecord(Header delivery, Header source, OktaEvent event) {
		RecordHeaders headers = new RecordHeaders(
				new Header[] { delivery, new RecordHeader(OktaEventHeaders.EVENT_UUID, utf8(event.uuid())),
						new RecordHeader(OktaEventHeaders.EVENT_TYPE, utf8(event.eventType())), source });
		return new ProducerRecord<>(this.topic, null, event.key(), event.json(), headers);
	}

	private static byte[] utf8(String value) {
		return (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void destroy() throws Exception {
		if (this.producers instanceof DisposableBean disposable) {
			disposable.destroy();
		}
	}

}
