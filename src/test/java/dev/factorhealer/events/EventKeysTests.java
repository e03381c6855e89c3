package dev.factorhealer.events;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key rule of {@code okta.events}, the same whether the event is streamed from its
 * bytes (the hook) or from a tree (System Log poller, detection, follow-up): first
 * {@code User} target, else {@code User} actor, else the fallback, odd shapes included.
 */
class EventKeysTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final Map<String, String> KEYS = new LinkedHashMap<>();

	static {
		KEYS.put("""
				{"uuid":"u1","actor":{"id":"00uActor","type":"User"},"target":[{"id":"00uTarget","type":"User"}]}""",
				"00uTarget");
		KEYS.put("""
				{"uuid":"u2","target":[{"id":"app1","type":"AppInstance"},{"type":"User","id":"00uSecond"}]}""",
				"00uSecond");
		KEYS.put("""
				{"uuid":"u3","target":[],"actor":{"id":"00uActor","type":"User","detail":{"type":"x"}}}""", "00uActor");
		KEYS.put("""
				{"uuid":"u4","actor":{"id":"client1","type":"PublicClientApp"},"target":null}""", "fallback");
		KEYS.put(
				"""
						{"target":[{"id":"00uFirst","type":"User"}],"actor":{"id":"00uActor","type":"User"},"target":{"id":"00uObj","type":"User"}}""",
				"00uActor");
		KEYS.put("""
				{"actor":{"type":"User","id":"00uA","id":"00uB"}}""", "00uB");
		KEYS.put(
				"""
						{"target":[{"id":"  ","type":"User"},"x",[1,{"type":"User","id":"00uNested"}],{"id":"00uThird","type":"User"}]}""",
				"00uThird");
		KEYS.put(
				"""
						{"target":[{"id":7,"type":"User"},{"id":"00uT","type":7}],"actor":{"id":"00uA","type":"User","type":null}}""",
				"fallback");
		KEYS.put(
				"""
						{"debugContext":{"target":[{"id":"00uDeep","type":"User"}]},"actor":{"id":"00uA","type":{"x":"User"}}}""",
				"fallback");
		KEYS.put("""
				{"target":[{"type":"User","id":"00uT","extra":{"id":"no","type":"no"}}]}""", "00uT");
	}

	@Test
	void keysAnEventReadFromATreeByItsUser() {
		KEYS.forEach((event, key) -> assertThat(EventKeys.keyOf(mapper.readTree(event), "fallback")).as(event)
			.isEqualTo(key));
	}

	@Test
	void keysAnEventStreamedFromItsBytesAsTheTreeWould() {
		KEYS.forEach((event, key) -> {
			try (JsonParser parser = mapper.createParser(event.getBytes(StandardCharsets.UTF_8))) {
				assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
				String user = EventKeys.userId(parser);
				assertThat((user != null) ? user : "fallback").as(event).isEqualTo(key);
				assertThat(parser.currentToken()).isEqualTo(JsonToken.END_OBJECT);
			}
		});
	}

	@Test
	void hasNoUserForSomethingThatIsNotAnObject() {
		assertThat(EventKeys.userId(mapper.readTree("[1]"))).isNull();
		assertThat(EventKeys.keyOf(mapper.readTree("\"x\""), "uuid")).isEqualTo("uuid");
	}

}
