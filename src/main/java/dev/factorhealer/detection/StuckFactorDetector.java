package dev.factorhealer.detection;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import dev.factorhealer.events.EventKeys;

/**
 * Applies the rules to one System Log event. Where the error text sits in an event is not
 * documented, so every rule searches {@code outcome.reason}, {@code displayMessage} and
 * every string under {@code debugContext.debugData}. The user id comes from the match
 * itself, else from the {@code User} target, else from the {@code User} actor.
 * <p>
 * The text also shows in events that are no SMS failure (a SUCCESS quoting an old error,
 * an unrelated type), so a rule acts only on events of its types and outcomes. Type and
 * outcome are decided first, so the texts are collected at most once per event; an event
 * outside every rule is still searched, so that the matches it would have given are
 * counted as ignored.
 */
class StuckFactorDetector {

	/** What the rules make of an event that shows a rule's pattern. */
	sealed interface Finding permits Match, Ignored {

	}

	/** A rule that matched: which one, for which user, and the text that matched. */
	record Match(String rule, String userId, String factorType, String matched) implements Finding {
	}

	/** A rule's pattern found in an event the rule does not act on, and why. */
	record Ignored(String rule, IgnoredReason reason) implements Finding {
	}

	private record CompiledRule(DetectionProperties.Rule rule, Pattern pattern, boolean hasUserGroup,
			EventTypes eventTypes, Set<String> outcomeResults) {

		/**
		 * Why this rule does not act on an event of this type and outcome; {@code null}
		 * when it does.
		 */
		IgnoredReason ineligible(String eventType, String result) {
			if (!this.eventTypes.contains(eventType)) {
				return IgnoredReason.EVENT_TYPE;
			}
			if (result == null || !this.outcomeResults.contains(result)) {
				return IgnoredReason.OUTCOME;
			}
			return null;
		}

	}

	/**
	 * Exact names, prefixes (from {@code system.sms.*}) and {@code *}; empty matches no
	 * type.
	 */
	private record EventTypes(Set<String> exact, List<String> prefixes, boolean any) {

		static EventTypes of(List<String> entries) {
			Set<String> exact = new HashSet<>();
			List<String> prefixes = new ArrayList<>();
			boolean any = false;
			for (String entry : entries) {
				if (entry.equals("*")) {
					any = true;
				}
				else if (entry.endsWith(".*")) {
					prefixes.add(entry.substring(0, entry.length() - 1));
				}
				else {
					exact.add(entry);
				}
			}
			return new EventTypes(Set.copyOf(exact), List.copyOf(prefixes), any);
		}

		boolean contains(String eventType) {
			if (eventType == null) {
				return false;
			}
			if (this.any || this.exact.contains(eventType)) {
				return true;
			}
			for (String prefix : this.prefixes) {
				if (eventType.startsWith(prefix)) {
					return true;
				}
			}
			return false;
		}

	}

	private final List<CompiledRule> rules;

	StuckFactorDetector(List<DetectionProperties.Rule> rules) {
		this.rules = rules.stream().map(rule -> {
			Pattern pattern = Pattern.compile(rule.pattern());
			return new CompiledRule(rule, pattern, rule.pattern().contains("(?<userId>"),
					EventTypes.of(rule.eventTypes()), Set.copyOf(rule.outcomeResults()));
		}).toList();
	}

	/**
	 * A {@link Match} when a rule acting on this event finds its pattern with a user;
	 * else an {@link Ignored} when a rule not acting on it would have found its pattern;
	 * else empty.
	 */
	Optional<Finding> inspect(JsonNode event) {
		String eventType = text(event.get("eventType"));
		JsonNode outcome = event.get("outcome");
		String result = outcome == null ? null : text(outcome.get("result"));
		List<String> texts = null;
		for (CompiledRule compiled : this.rules) {
			if (compiled.ineligible(eventType, result) != null) {
				continue;
			}
			if (texts == null) {
				texts = searchableTexts(event);
			}
			Match match = match(compiled, texts, event);
			if (match != null) {
				return Optional.of(match);
			}
		}
		for (CompiledRule compiled : this.rules) {
			IgnoredReason reason = compiled.ineligible(eventType, result);
			if (reason == null) {
				continue;
			}
			if (texts == null) {
				texts = searchableTexts(event);
			}
			for (String text : texts) {
				if (compiled.pattern().matcher(text).find()) {
					return Optional.of(new Ignored(compiled.rule().name(), reason));
				}
			}
		}
		return Optional.empty();
	}

	private static Match match(CompiledRule compiled, List<String> texts, JsonNode event) {
		DetectionProperties.Rule rule = compiled.rule();
		for (String text : texts) {
			Matcher matcher = compiled.pattern().matcher(text);
			if (matcher.find()) {
				String userId = compiled.hasUserGroup() ? matcher.group("userId") : null;
				if (userId == null || userId.isBlank()) {
					userId = EventKeys.userId(event);
				}
				if (userId != null) {
					return new Match(rule.name(), userId, rule.factorType(), matcher.group());
				}
			}
		}
		return null;
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
