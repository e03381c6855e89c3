package dev.factorhealer.okta;

import java.net.URI;
import java.util.List;

/**
 * An event hook as Okta's {@code /api/v1/eventHooks} lists it (the secret is never read
 * back).
 *
 * @param id the hook's id
 * @param name its name, unique by convention: the set-up commands find their hook by it
 * @param status {@code ACTIVE} or {@code INACTIVE}
 * @param verificationStatus {@code VERIFIED} or {@code UNVERIFIED}
 * @param uri where Okta delivers
 * @param eventTypes the event types it carries
 * @param authHeader the header Okta sends the secret in ({@code authScheme.key})
 */
public record EventHook(String id, String name, String status, String verificationStatus, URI uri,
		List<String> eventTypes, String authHeader) {

	public EventHook {
		eventTypes = (eventTypes != null) ? List.copyOf(eventTypes) : List.of();
	}

	public boolean isActive() {
		return "ACTIVE".equals(this.status);
	}

	public boolean isVerified() {
		return "VERIFIED".equals(this.verificationStatus);
	}

	/**
	 * What the set-up command wants the hook to be. {@link #toString()} never shows the
	 * secret.
	 *
	 * @param name the hook's name
	 * @param uri the service's {@code /hooks/okta} URL
	 * @param eventTypes the event types to deliver
	 * @param authHeader the header name ({@code healer.hook.auth-header})
	 * @param secret its value, one of {@code healer.hook.secrets}
	 */
	public record Spec(String name, URI uri, List<String> eventTypes, String authHeader, String secret) {

		public Spec {
			eventTypes = List.copyOf(eventTypes);
		}

		@Override
		public String toString() {
			return "EventHook.Spec[name=" + this.name + ", uri=" + this.uri + ", eventTypes=" + this.eventTypes
					+ ", authHeader=" + this.authHeader + ", secret=(set)]";
		}

	}

}
