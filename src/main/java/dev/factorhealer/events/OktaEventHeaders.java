package dev.factorhealer.events;

/**
 * Header names of the records on {@code okta.events}. Values are UTF-8 strings.
 */
public final class OktaEventHeaders {

	/**
	 * The {@code eventId} of the hook delivery (or the poll page) that carried the event.
	 */
	public static final String DELIVERY_ID = "okta-delivery-id";

	/** The System Log event's {@code uuid}. */
	public static final String EVENT_UUID = "okta-event-uuid";

	/** The System Log event's {@code eventType}. */
	public static final String EVENT_TYPE = "okta-event-type";

	/**
	 * Where the event came from: {@code hook} or {@code systemlog}
	 * ({@link EventSource#header()}).
	 */
	public static final String SOURCE = "source";

	private OktaEventHeaders() {
	}

}
