package dev.factorhealer.detection;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * What the detector remembers: event uuids already seen and users already asked for, both
 * bounded in size and time (Caffeine). A claim records which input record made it, so the
 * same record delivered again (a retry after a failed send) is decided the same way
 * instead of being dropped as a duplicate of itself.
 */
class DetectionMemory {

	private final Cache<String, String> events;

	private final Cache<String, String> users;

	DetectionMemory(Duration dedupeTtl, long maxEvents, Duration coalesceWindow, long maxUsers) {
		this.events = Caffeine.newBuilder().expireAfterWrite(dedupeTtl).maximumSize(maxEvents).build();
		this.users = Caffeine.newBuilder().expireAfterWrite(coalesceWindow).maximumSize(maxUsers).build();
	}

	/**
	 * {@code true} when this record is the first to bring this event uuid (or is that
	 * record again).
	 */
	boolean claimEvent(String uuid, String recordId) {
		return claim(this.events, uuid, recordId);
	}

	/** {@code true} when no other record asked for this user within the window. */
	boolean claimUser(String userId, String recordId) {
		return claim(this.users, userId, recordId);
	}

	private static boolean claim(Cache<String, String> cache, String key, String recordId) {
		String owner = cache.asMap().putIfAbsent(key, recordId);
		return owner == null || owner.equals(recordId);
	}

}
