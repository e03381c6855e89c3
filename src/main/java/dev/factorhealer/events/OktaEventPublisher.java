package dev.factorhealer.events;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.errors.RecordTooLargeException;

import dev.factorhealer.system.Causes;

/**
 * Makes System Log events durable on {@code okta.events}: every event is sent
 * concurrently and the call returns only once Kafka acknowledged all of them
 * ({@code acks=all}).
 */
public interface OktaEventPublisher {

	/**
	 * Publishes the events and waits for every acknowledgement.
	 * @param deliveryId the delivery (or poll page) the events came with, for the header
	 * @param source where they came from
	 * @param events the events, in the order received
	 * @param deadline how long to wait for all acknowledgements
	 * @throws EventsNotDurableException when any event was not acknowledged within the
	 * deadline
	 */
	void publish(String deliveryId, EventSource source, List<OktaEvent> events, Duration deadline)
			throws EventsNotDurableException;

	/**
	 * Thrown when Kafka did not acknowledge every event of a batch in time. Some of them
	 * may have been written; a retry of the whole batch is safe because downstream
	 * deduplicates by uuid.
	 */
	class EventsNotDurableException extends Exception {

		public EventsNotDurableException(String message, Throwable cause) {
			super(message, cause);
		}

		/**
		 * Kafka refused an event as larger than the topic accepts: retrying cannot help.
		 */
		public boolean tooLarge() {
			return Causes.any(getCause(), RecordTooLargeException.class);
		}

	}

}
