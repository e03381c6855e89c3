package dev.factorhealer.events;

/**
 * Where an event on {@code okta.events} came from; the value of the {@code source}
 * header.
 */
public enum EventSource {

	HOOK("hook"), SYSTEMLOG("systemlog");

	private final String header;

	EventSource(String header) {
		this.header = header;
	}

	public String header() {
		return this.header;
	}

}
