package dev.factorhealer.okta;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpMethod;

import dev.factorhealer.okta.OktaHttp.OktaRequest;
import dev.factorhealer.okta.OktaHttp.Result;

/** {@link OktaEventHooks} over an {@link OktaHttp} bucket of the set-up commands. */
final class OktaEventHooksClient implements OktaEventHooks {

	private final OktaHttp http;

	private final JsonMapper mapper;

	OktaEventHooksClient(OktaHttp http, JsonMapper mapper) {
		this.http = http;
		this.mapper = mapper;
	}

	@Override
	public List<EventHook> list(Instant deadline) {
		JsonNode hooks = call("list_event_hooks", HttpMethod.GET, hooksUri(), "event hooks", null, deadline);
		List<EventHook> all = new ArrayList<>();
		if (hooks.isArray()) {
			hooks.forEach(hook -> all.add(hook(hook)));
		}
		return all;
	}

	@Override
	public EventHook create(EventHook.Spec spec, Instant deadline) {
		return hook(call("create_event_hook", HttpMethod.POST, hooksUri(), "event hook " + spec.name(), body(spec),
				deadline));
	}

	@Override
	public EventHook replace(String id, EventHook.Spec spec, Instant deadline) {
		URI uri = this.http.uri(b -> b.pathSegment("api", "v1", "eventHooks", id));
		return hook(call("replace_event_hook", HttpMethod.PUT, uri, "event hook " + id, body(spec), deadline));
	}

	@Override
	public EventHook activate(String id, Instant deadline) {
		return lifecycle(id, "activate", deadline);
	}

	@Override
	public EventHook verify(String id, Instant deadline) {
		return lifecycle(id, "verify", deadline);
	}

	private EventHook lifecycle(String id, String action, Instant deadline) {
		URI uri = this.http.uri(b -> b.pathSegment("api", "v1", "eventHooks", id, "lifecycle", action));
		return hook(call(action + "_event_hook", HttpMethod.POST, uri, "event hook " + id, new byte[0], deadline));
	}

	private URI hooksUri() {
		return this.http.uri(b -> b.pathSegment("api", "v1", "eventHooks"));
	}

	private JsonNode call(String operation, HttpMethod method, URI uri, String subject, byte[] body, Instant deadline) {
		Result result = this.http.send(new OktaRequest(operation, method, uri, subject, body), deadline);
		OktaReply reply = result.reply();
		if (!reply.isSuccess()) {
			throw new OktaException.Rejected("Okta " + operation + " " + subject + " was rejected: " + reply.describe(),
					reply.status(), reply.error().errorCode(), reply.error().errorId(), result.attempts());
		}
		try {
			return this.mapper.readTree(reply.body());
		}
		catch (JacksonException ex) {
			throw new OktaException.Unavailable("Okta " + operation + " " + subject + " answered " + reply.status()
					+ " with a body that is not JSON", reply.status(), null, null, result.attempts(), null);
		}
	}

	/**
	 * The Okta form of a hook: HTTP channel 1.0.0, the secret as a static auth header.
	 */
	private byte[] body(EventHook.Spec spec) {
		ObjectNode hook = this.mapper.createObjectNode();
		hook.put("name", spec.name());
		ObjectNode events = hook.putObject("events");
		events.put("type", "EVENT_TYPE");
		ArrayNode items = events.putArray("items");
		spec.eventTypes().forEach(items::add);
		ObjectNode channel = hook.putObject("channel");
		channel.put("type", "HTTP");
		channel.put("version", "1.0.0");
		ObjectNode config = channel.putObject("config");
		config.put("uri", spec.uri().toString());
		config.putArray("headers");
		ObjectNode auth = config.putObject("authScheme");
		auth.put("type", "HEADER");
		auth.put("key", spec.authHeader());
		auth.put("value", spec.secret());
		return this.mapper.writeValueAsBytes(hook);
	}

	private static EventHook hook(JsonNode hook) {
		List<String> types = new ArrayList<>();
		JsonNode items = hook.path("events").path("items");
		items.forEach(item -> types.add(item.asString()));
		JsonNode config = hook.path("channel").path("config");
		String uri = text(config, "uri");
		return new EventHook(text(hook, "id"), text(hook, "name"), text(hook, "status"),
				text(hook, "verificationStatus"), (uri != null) ? URI.create(uri) : null, types,
				text(config.path("authScheme"), "key"));
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
