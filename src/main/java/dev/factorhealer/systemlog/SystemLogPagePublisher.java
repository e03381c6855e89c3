package dev.factorhealer.systemlog;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.factorhealer.events.EventKeys;
import dev.factorhealer.events.EventSource;
import dev.factorhealer.events.OktaEvent;
import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.events.OktaEventPublisher.EventsNotDurableException;
import dev.factorhealer.okta.LogPage;

/**
 * Makes a page's events durable on {@code okta.events} exactly as a hook delivery would
 * ({@link EventSource#SYSTEMLOG}, same keys, bytes unchanged), under a delivery id
 * derived from the page's link. The page goes in one batch; when Kafka refuses an event
 * as too large, the page goes again one event at a time and only the events Kafka refuses
 * are skipped (and logged): one oversize event must neither stall the poll forever nor
 * hold back the others of its page.
 */
final class SystemLogPagePublisher {

	private static final Logger log = LoggerFactory.getLogger(SystemLogPagePublisher.class);

	private final OktaEventPublisher publisher;

	private final Duration timeout;

	/**
	 * @param timeout how long to wait for Kafka's acknowledgements of one batch
	 */
	SystemLogPagePublisher(OktaEventPublisher publisher, Duration timeout) {
		this.publisher = publisher;
		this.timeout = timeout;
	}

	/** The same link gives the same page, and the same delivery id. */
	static String deliveryId(LogPage page) {
		return EventSource.SYSTEMLOG.header() + ":"
				+ UUID.nameUUIDFromBytes(page.request().toString().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Publishes every event of the page and waits for the acknowledgements.
	 * @return how many events are durable: all of them but those Kafka refused as too
	 * large
	 * @throws EventsNotDurableException when Kafka did not acknowledge an event for
	 * another reason
	 */
	int publish(LogPage page, String deliveryId) throws EventsNotDurableException {
		List<OktaEvent> events = events(page, deliveryId);
		if (events.isEmpty()) {
			return 0;
		}
		try {
			this.publisher.publish(deliveryId, EventSource.SYSTEMLOG, events, this.timeout);
			return events.size();
		}
		catch (EventsNotDurableException ex) {
			if (!ex.tooLarge()) {
				throw ex;
			}
		}
		return publishOneByOne(deliveryId, events);
	}

	private int publishOneByOne(String deliveryId, List<OktaEvent> events) throws EventsNotDurableException {
		int durable = 0;
		for (OktaEvent event : events) {
			try {
				this.publisher.publish(deliveryId, EventSource.SYSTEMLOG, List.of(event), this.timeout);
				durable++;
			}
			catch (EventsNotDurableException ex) {
				if (!ex.tooLarge()) {
					throw ex;
				}
				log.error("System Log event {} of user {} ({} bytes) is larger than okta.events accepts: skipped",
						event.uuid(), event.key(), event.json().length);
			}
		}
		return durable;
	}

	private static List<OktaEvent> events(LogPage page, String deliveryId) {
		List<OktaEvent> events = new ArrayList<>(page.events().size());
		for (LogPage.Event event : page.events()) {
			String uuid = event.uuid();
			if (uuid == null || uuid.isBlank()) {
				log.warn(
						"System Log page {} holds an event without a uuid: published as received, detection sets it aside",
						deliveryId);
				uuid = "";
			}
			String eventType = (event.eventType() != null) ? event.eventType() : "";
			events.add(new OktaEvent(uuid, eventType,
					EventKeys.keyOf(event.fields(), uuid.isEmpty() ? deliveryId : uuid), event.json()));
		}
		return events;
	}

}
