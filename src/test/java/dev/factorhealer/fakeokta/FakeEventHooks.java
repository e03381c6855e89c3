package dev.factorhealer.fakeokta;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The event hooks API of the fake org ({@code /api/v1/eventHooks}): list, create, get,
 * replace, activate, deactivate, verify and delete, with Okta's validation of the body,
 * and a verify that really sends the verification {@code GET} with
 * {@code X-Okta-Verification-Challenge} and the hook's auth header to the hook's URI and
 * checks the echo. Okta calls only https URIs; the fake also takes http on a loopback
 * address. Guarded by the org's lock.
 */
public final class FakeEventHooks {

	static final String CHALLENGE_HEADER = "X-Okta-Verification-Challenge";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

	private final Map<String, ObjectNode> hooks = new LinkedHashMap<>();

	private final Object lock;

	private int verifications;

	FakeEventHooks(Object lock) {
		this.lock = lock;
	}

	/** An answer: status and JSON body, or an Okta error. */
	record Reply(int status, String body, OktaError error) {

		static Reply json(int status, JsonNode body) {
			return new Reply(status, (body != null) ? body.toString() : null, null);
		}

		static Reply error(OktaError error) {
			return new Reply(error.status(), null, error);
		}

	}

	static boolean handles(List<String> segments) {
		return segments.size() >= 3 && segments.get(0).equals("api") && segments.get(1).equals("v1")
				&& segments.get(2).equals("eventHooks");
	}

	/** Copies of the hooks, in creation order. */
	public List<JsonNode> hooks() {
		synchronized (this.lock) {
			return this.hooks.values().stream().map(hook -> (JsonNode) hook.deepCopy()).toList();
		}
	}

	/** Verification GETs sent so far. */
	public int verifications() {
		synchronized (this.lock) {
			return this.verifications;
		}
	}

	Reply handle(String method, List<String> segments, String body, String orgUrl) {
		int size = segments.size();
		if (size == 3) {
			return switch (method) {
				case "GET" -> {
					ArrayNode all = FakeOktaOrg.JSON.createArrayNode();
					this.hooks.values().forEach(hook -> all.add(withoutSecret(hook)));
					yield Reply.json(200, all);
				}
				case "POST" -> create(body, orgUrl);
				default -> Reply.error(OktaError.forStatus(405));
			};
		}
		ObjectNode hook = this.hooks.get(segments.get(3));
		if (hook == null) {
			return Reply.error(OktaError.notFound(segments.get(3), "EventHook"));
		}
		if (size == 4) {
			return switch (method) {
				case "GET" -> Reply.json(200, withoutSecret(hook));
				case "PUT" -> replace(hook, body);
				case "DELETE" -> {
					if ("ACTIVE".equals(hook.get("status").asString())) {
						yield Reply
							.error(OktaError.validation("status", "Deactivate the event hook before deleting it."));
					}
					this.hooks.remove(segments.get(3));
					yield new Reply(204, null, null);
				}
				default -> Reply.error(OktaError.forStatus(405));
			};
		}
		if (size == 6 && segments.get(4).equals("lifecycle") && method.equals("POST")) {
			return switch (segments.get(5)) {
				case "activate" -> {
					hook.put("status", "ACTIVE");
					yield Reply.json(200, withoutSecret(hook));
				}
				case "deactivate" -> {
					hook.put("status", "INACTIVE");
					yield Reply.json(200, withoutSecret(hook));
				}
				case "verify" -> verify(hook);
				default -> Reply.error(OktaError.of(404, OktaError.NOT_FOUND, "Not found: Resource not found"));
			};
		}
		return Reply.error(OktaError.of(404, OktaError.NOT_FOUND, "Not found: Resource not found"));
	}

	private Reply create(String body, String orgUrl) {
		ObjectNode hook;
		try {
			hook = validated(body);
		}
		catch (IllegalArgumentException ex) {
			return Reply.error(OktaError.validation("eventHook", ex.getMessage()));
		}
		String id = "who" + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
		hook.put("id", id);
		hook.put("status", "ACTIVE");
		hook.put("verificationStatus", "UNVERIFIED");
		hook.put("created", java.time.Instant.now().toString());
		hook.putObject("_links")
			.putObject("verify")
			.put("href", orgUrl + "/api/v1/eventHooks/" + id + "/lifecycle/verify");
		this.hooks.put(id, hook);
		return Reply.json(200, withoutSecret(hook));
	}

	private Reply replace(ObjectNode hook, String body) {
		ObjectNode replacement;
		try {
			replacement = validated(body);
		}
		catch (IllegalArgumentException ex) {
			return Reply.error(OktaError.validation("eventHook", ex.getMessage()));
		}
		boolean sameUri = hook.path("channel")
			.path("config")
			.path("uri")
			.equals(replacement.path("channel").path("config").path("uri"));
		hook.set("name", replacement.get("name"));
		hook.set("events", replacement.get("events"));
		hook.set("channel", replacement.get("channel"));
		if (!sameUri) {
			// Okta verifies a hook for its URI
			hook.put("verificationStatus", "UNVERIFIED");
		}
		return Reply.json(200, withoutSecret(hook));
	}

	/**
	 * Okta's checks of a hook body; the secret is kept but, as in Okta, never returned.
	 */
	private static ObjectNode validated(String body) {
		JsonNode json;
		try {
			json = FakeOktaOrg.JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The request body was not well-formed.");
		}
		if (json == null || !json.isObject() || !json.path("name").isString()
				|| json.path("name").asString().isBlank()) {
			throw new IllegalArgumentException("name: The field cannot be left blank");
		}
		JsonNode events = json.path("events");
		if (!"EVENT_TYPE".equals(events.path("type").asString(null)) || !events.path("items").isArray()
				|| events.path("items").isEmpty()) {
			throw new IllegalArgumentException("events: at least one event type of type EVENT_TYPE");
		}
		JsonNode channel = json.path("channel");
		if (!"HTTP".equals(channel.path("type").asString(null))
				|| !"1.0.0".equals(channel.path("version").asString(null))) {
			throw new IllegalArgumentException("channel: type HTTP, version 1.0.0");
		}
		String uri = channel.path("config").path("uri").asString(null);
		if (uri == null || !allowedUri(uri)) {
			throw new IllegalArgumentException("channel.config.uri: must be an https URL");
		}
		JsonNode auth = channel.path("config").path("authScheme");
		if (!auth.isMissingNode() && (!"HEADER".equals(auth.path("type").asString(null)) || !auth.path("key").isString()
				|| !auth.path("value").isString())) {
			throw new IllegalArgumentException("channel.config.authScheme: type HEADER with a key and a value");
		}
		ObjectNode copy = ((ObjectNode) json).deepCopy();
		copy.remove(List.of("id", "status", "verificationStatus", "created", "_links"));
		return copy;
	}

	private static boolean allowedUri(String text) {
		try {
			URI uri = URI.create(text);
			if ("https".equals(uri.getScheme()) && uri.getHost() != null) {
				return true;
			}
			return "http".equals(uri.getScheme()) && uri.getHost() != null
					&& InetAddress.getByName(uri.getHost()).isLoopbackAddress();
		}
		catch (IllegalArgumentException | IOException ex) {
			return false;
		}
	}

	/**
	 * Sends the verification GET, as Okta does, and marks the hook VERIFIED when the
	 * challenge comes back.
	 */
	private Reply verify(ObjectNode hook) {
		this.verifications++;
		JsonNode config = hook.path("channel").path("config");
		String challenge = UUID.randomUUID().toString();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.path("uri").asString()))
			.timeout(Duration.ofSeconds(3))
			.header(CHALLENGE_HEADER, challenge)
			.GET();
		JsonNode auth = config.path("authScheme");
		if (auth.path("key").isString()) {
			request.header(auth.path("key").asString(), auth.path("value").asString());
		}
		boolean echoed;
		try {
			HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode body = (answer.statusCode() == 200) ? FakeOktaOrg.JSON.readTree(answer.body()) : null;
			echoed = body != null && challenge.equals(body.path("verification").asString(null));
		}
		catch (IOException | JacksonException ex) {
			echoed = false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			echoed = false;
		}
		if (!echoed) {
			hook.put("verificationStatus", "UNVERIFIED");
			return Reply.error(new OktaError(400, OktaError.VALIDATION, "Api validation failed: eventHook",
					List.of("Could not verify the event hook: the endpoint did not echo the verification challenge.")));
		}
		hook.put("verificationStatus", "VERIFIED");
		return Reply.json(200, withoutSecret(hook));
	}

	/** The hook as the API returns it: no secret. */
	static ObjectNode withoutSecret(ObjectNode hook) {
		ObjectNode copy = hook.deepCopy();
		JsonNode auth = copy.path("channel").path("config").path("authScheme");
		if (auth instanceof ObjectNode scheme) {
			scheme.remove("value");
		}
		return copy;
	}

	static List<String> eventTypes(JsonNode hook) {
		List<String> types = new ArrayList<>();
		hook.path("events").path("items").forEach(item -> types.add(item.asString()));
		return types;
	}

}
