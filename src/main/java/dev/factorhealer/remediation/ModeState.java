package dev.factorhealer.remediation;

import java.time.Instant;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The remediation mode and who set it, when and why: the value of the records on
 * {@code okta.remediation.mode} ({@code {mode, by, at, reason}}) and the answer of
 * {@code GET /admin/mode}.
 *
 * @param mode the mode
 * @param by who set it ({@code admin} unless the request said;
 * {@code healer.remediation.mode} when nothing was ever set)
 * @param at when it was set ({@code null} for the configured mode)
 * @param reason why, free text (may be empty)
 */
public record ModeState(RemediationMode mode, String by, Instant at, String reason) {

	static final int MAX_TEXT = 200;

	byte[] toJson(JsonMapper mapper) {
		ObjectNode node = mapper.createObjectNode();
		node.put("mode", this.mode.label());
		node.put("by", this.by);
		node.put("at", this.at == null ? null : this.at.toString());
		node.put("reason", this.reason);
		return mapper.writeValueAsBytes(node);
	}

	/**
	 * @throws IllegalArgumentException when the bytes are not a mode record
	 */
	static ModeState fromJson(JsonMapper mapper, byte[] json) {
		try {
			JsonNode node = mapper.readTree(json);
			if (node == null || !node.isObject()) {
				throw new IllegalArgumentException("not a JSON object");
			}
			JsonNode at = node.get("at");
			return new ModeState(RemediationMode.of(node.path("mode").asString("")),
					clean(node.path("by").asString("")),
					(at != null && at.isString()) ? Instant.parse(at.asString()) : null,
					clean(node.path("reason").asString("")));
		}
		catch (JacksonException | java.time.format.DateTimeParseException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
	}

	/** Free text as it may appear in a log line: no control characters, bounded. */
	static String clean(String text) {
		if (text == null) {
			return "";
		}
		String printable = text.replaceAll("\\p{Cntrl}", " ").strip();
		return printable.length() > MAX_TEXT ? printable.substring(0, MAX_TEXT) : printable;
	}

}
