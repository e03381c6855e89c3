package dev.factorhealer.detection;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import dev.factorhealer.hook.EventKeys;

/**
 * Applies the rules to one System Log event. Where the error text sits in an event is not
 * documented, so every rule searches {@code outcome.reason}, {@code displayMessage} and every
 * string under {@code debugContext.debugData}. The user id comes from the match itself, else
 * from the {@code User} target, else from the {@code User} actor.
 */
class StuckFactorDetector {

	/** A rule that matched: which one, for which user, and the text that matched. */
	record Match(String rule, String userId, String factorType, String matched) {
	}

	private record CompiledRule(DetectionProperties.Rule rule, Pattern pattern, boolean hasUserGroup) {
	}

	private final List<CompiledRule> rules;

	StuckFactorDetector(List<DetectionProperties.Rule> rules) {
		this.rules = rules.stream().map(rule -> {
			Pattern pattern = Pattern.compile(rule.pattern());
			return new CompiledRule(rule, pattern, rule.pattern().contains("(?<userId>"));
		}).toList();
	}

	Optional<Match> inspect(JsonNode event) {
		String eventType = text(event.get("eventType"));
		JsonNode outcome = event.get("outcome");
		String result = outcome == null ? null : text(outcome.get("result"));
		List<String> texts = null;
		for (CompiledRule compiled : this.rules) {
			DetectionProperties.Rule rule = compiled.rule();
			if (!rule.eventTypes().isEmpty() && !rule.eventTypes().contains(eventType)) {
				continue;
			}
			if (!rule.outcomeResults().isEmpty() && !rule.outcomeResults().contains(result)) {
				continue;
			}
			if (texts == null) {
				texts = searchableTexts(event);
			}
			for (String text : texts) {
				Matcher matcher = compiled.pattern().matcher(text);
				if (matcher.find()) {
					String userId = compiled.hasUserGroup() ? matcher.group("userId") : null;
					if (userId == null || userId.isBlank()) {
						userId = EventKeys.userId(event);
					}
					if (userId != null) {
						return Optional.of(new Match(rule.name(), userId, rule.factorType(), matcher.group()));
					}
				}
			}
		}
		return Optional.empty();
	}

	private static List<String> searchableTexts(JsonNode event) {
		List<String> texts = new ArrayList<>();
		JsonNode outcome = event.get("outcome");
		if (outcome != null) {
			add(texts, outcome.get("reason"));
		}
		add(texts, event.get("displayMessage"));
		JsonNode debugContext = event.get("debugContext");
		if (debugContext != null) {
			collectStrings(debugContext.get("debugData"), texts, 0);
		}
		return texts;
	}

	private static void collectStrings(JsonNode node, List<String> texts, int depth) {
		if (node == null || depth > 16) {
			return;
		}
		if (node.isString()) {
			texts.add(node.asString());
		}
		else if (node.isContainer()) {
			for (JsonNode child : node) {
				collectStrings(child, texts, depth + 1);
			}
		}
	}

	private static void add(List<String> texts, JsonNode node) {
		if (node != null && node.isString()) {
			texts.add(node.asString());
		}
	}

	private static String text(JsonNode node) {
		return node != null && node.isString() ? node.asString() : null;
	}

}
