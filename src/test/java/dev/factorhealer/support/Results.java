package dev.factorhealer.support;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads remediation results off {@code okta.remediation.results} as JSON trees. */
public final class Results {

	private static final JsonMapper json = JsonMapper.builder().build();

	private Results() {
	}

	public static List<JsonNode> forUser(TopicProbe results, String userId) {
		return results.records(r -> userId.equals(r.key())).stream().map(Results::tree).toList();
	}

	public static List<JsonNode> awaitForUser(TopicProbe results, String userId, int count) {
		return results.awaitRecords(count, r -> userId.equals(r.key())).stream().map(Results::tree).toList();
	}

	public static JsonNode tree(ConsumerRecord<String, byte[]> record) {
		return json.readTree(record.value());
	}

}
