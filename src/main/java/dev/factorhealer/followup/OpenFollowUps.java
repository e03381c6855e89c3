package dev.factorhealer.followup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.factorhealer.followup.FollowUpEvents.Signal;

/**
 * The follow-ups of the users on this replica's partitions, in memory (the state topic is
 * the durable copy), with the id each user's last follow-up ended under and, for a few
 * minutes, the signals of users not followed (an event may be read just before the
 * follow-up it ends). Used by the tracker's thread only.
 */
final class OpenFollowUps {

	private static final Duration RECENT = Duration.ofMinutes(10);

	private static final int MAX_RECENT_USERS = 10_000;

	private record Owned(int partition, FollowUpState state) {
	}

	private record Seen(Instant at, Signal signal) {
	}

	private final Map<String, Owned> open = new HashMap<>();

	private final Map<String, String> closedIds = new HashMap<>();

	private final Map<String, Deque<Seen>> recent = new LinkedHashMap<>(16, 0.75f, false) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Deque<Seen>> eldest) {
			return size() > MAX_RECENT_USERS;
		}
	};

	/**
	 * Applies a state record; {@code true} when it opened a follow-up not known before.
	 */
	boolean apply(int partition, FollowUpState state) {
		if (!state.isOpen()) {
			this.closedIds.put(state.userId(), state.id());
			Owned current = this.open.get(state.userId());
			if (current != null && current.state().id().equals(state.id())) {
				this.open.remove(state.userId());
			}
			return false;
		}
		if (state.id().equals(this.closedIds.get(state.userId()))) {
			return false;
		}
		Owned current = this.open.get(state.userId());
		if (current != null && current.state().id().equals(state.id())) {
			return false;
		}
		this.open.put(state.userId(), new Owned(partition, state));
		return true;
	}

	Optional<FollowUpState> get(String userId) {
		Owned owned = this.open.get(userId);
		return owned == null ? Optional.empty() : Optional.of(owned.state());
	}

	void closed(FollowUpState state) {
		this.open.remove(state.userId());
		this.closedIds.put(state.userId(), state.id());
	}

	/** Forgets the users of partitions this replica no longer owns. */
	void drop(Collection<Integer> partitions) {
		this.open.values().removeIf(owned -> partitions.contains(owned.partition()));
	}

	void clear() {
		this.open.clear();
	}

	int size() {
		return this.open.size();
	}

	/** Open follow-ups healed before {@code healedBefore}, oldest first. */
	List<FollowUpState> healedBefore(Instant healedBefore) {
		List<FollowUpState> due = new ArrayList<>();
		for (Owned owned : this.open.values()) {
			if (owned.state().healedAt().isBefore(healedBefore)) {
				due.add(owned.state());
			}
		}
		due.sort(Comparator.comparing(FollowUpState::healedAt));
		return due;
	}

	void remember(Signal signal, Instant now) {
		this.recent.computeIfAbsent(signal.userId(), u -> new ArrayDeque<>()).addLast(new Seen(now, signal));
	}

	/**
	 * Signals of the user seen recently, published after the DELETE, in published order.
	 */
	List<Signal> recentAfter(String userId, Instant healedAt, Instant now) {
		Deque<Seen> seen = this.recent.remove(userId);
		if (seen == null) {
			return List.of();
		}
		return seen.stream()
			.filter(s -> s.at().isAfter(now.minus(RECENT)))
			.map(Seen::signal)
			.filter(s -> s.published().isAfter(healedAt))
			.sorted(Comparator.comparing(Signal::published))
			.toList();
	}

	void forgetOldSignals(Instant now) {
		this.recent.values().removeIf(seen -> {
			seen.removeIf(s -> s.at().isBefore(now.minus(RECENT)));
			return seen.isEmpty();
		});
	}

}
