package dev.factorhealer.hook;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.events.EventKeys;
import dev.factorhealer.events.OktaEvent;
import dev.factorhealer.hook.HookDelivery.InvalidDeliveryException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link HookDelivery} reads each event without building a tree; the fields it routes on
 * must come out exactly as reading the event as a {@code JsonNode} and asking
 * {@link EventKeys} would give them, odd shapes included.
 */
class HookDeliveryTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final List<String> EVENTS = List.of(
			"""
					{"uuid":"u1","eventType":"t","actor":{"id":"00uActor","type":"User"},"target":[{"id":"00uTarget","type":"User"}]}""",
			"""
					{"uuid":"u2","eventType":"t","target":[{"id":"app1","type":"AppInstance"},{"type":"User","id":"00uSecond"}]}""",
			"""
					{"uuid":"u3","eventType":"t","target":[],"actor":{"id":"00uActor","type":"User","detail":{"type":"x"}}}""",
			"""
					{"uuid":"u4","eventType":"t","actor":{"id":"client1","type":"PublicClientApp"},"target":null}""",
			"""
					{"uuid":"u5","eventType":"t","target":[{"id":"00uFirst","type":"User"}],"actor":{"id":"00uActor","type":"User"},"target":{"id":"00uObj","type":"User"}}""",
			"""
					{"uuid":"first","eventType":"t","uuid":"last","actor":{"type":"User","id":"00uA","id":"00uB"}}""",
			"""
					{"uuid":"u7","eventType":"t","target":[{"id":"  ","type":"User"},"x",[1,{"type":"User","id":"00uNested"}],{"id":"00uThird","type":"User"}]}""",
			"""
					{"uuid":"u8","eventType":"t","target":[{"id":7,"type":"User"},{"id":"00uT","type":7}],"actor":{"id":"00uA","type":"User","type":null}}""",
			"""
					{"uuid":"u9","eventType":"t","debugContext":{"target":[{"id":"00uDeep","type":"User"}]},"actor":{"id":"00uA","type":{"x":"User"}}}""",
			"""
					{"eventType":"t","uuid":"u10","target":[{"type":"User","id":"00uT","extra":{"id":"no","type":"no"}}]}""");

	@Test
	void routesEveryEventAsTheTreeWouldWithoutBuildingOne() {
		for (String event : EVENTS) {
			OktaEvent read = HookDelivery.parse(delivery(event), mapper).events().get(0);
			JsonNode tree = mapper.readTree(event);
			String uuid = tree.get("uuid").asString();
			assertThat(read.uuid()).as(event).isEqualTo(uuid);
			assertThat(read.eventType()).as(event).isEqualTo(tree.get("eventType").asString());
			assertThat(read.key()).as(event).isEqualTo(EventKeys.keyOf(tree, uuid));
			assertThat(new String(read.json(), StandardCharsets.UTF_8)).as(event).isEqualTo(event);
		}
	}

	@Test
	void refusesAnEventWhoseLastUuidIsNotAString() {
		assertThatThrownBy(() -> HookDelivery.parse(delivery("""
				{"uuid":"u1","eventType":"t","uuid":{"v":"u2"}}"""), mapper))
			.isInstanceOf(InvalidDeliveryException.class)
			.hasMessage("data.events[0].uuid must be a non-empty string");
		assertThatThrownBy(() -> HookDelivery.parse(delivery("""
				{"uuid":"u1","eventType":" "}"""), mapper)).isInstanceOf(InvalidDeliveryException.class)
			.hasMessage("data.events[0].eventType must be a non-empty string");
	}

	@Test
	void refusesMalformedJsonInsideFieldsItSkips() {
		assertThatThrownBy(() -> HookDelivery.parse(delivery("""
				{"uuid":"u1","eventType":"t","client":{"a":[1,2}}"""), mapper))
			.isInstanceOf(InvalidDeliveryException.class);
	}

	private static byte[] delivery(String event) {
		return ("{\"eventId\":\"d1\",\"data\":{\"events\":[" + event + "]}}").getBytes(StandardCharsets.UTF_8);
	}

}
