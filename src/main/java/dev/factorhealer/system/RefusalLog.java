package dev.factorhealer.system;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused requests (401s on the hook and admin endpoints) as a rate-limited summary:
 * the first refusal of a quiet period is logged at once, the rest are counted and summed
 * up in one line per interval, so a scanner hammering the hook cannot flood the log.
 */
public final class RefusalLog {

	private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

	/** Addresses listed in a summary line at most. */
	private static final int MAX_ADDRESSES = 5;

	private final Duration interval;

	private final Clock clock;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	public RefusalLog(Duration interval, Clock clock) {
		this.interval = interval;
		this.clock = clock;
	}

	/**
	 * Notes one refused request.
	 * @param endpoint what was asked for, e.g. {@code POST /hooks/okta}
	 * @param why why it was refused, e.g.
	 * {@code missing or wrong secret in header Authorization}
	 * @param remoteAddress the client's address
	 */
	public void refused(String endpoint, String why, String remoteAddress) {
		Window window = this.windows.computeIfAbsent(endpoint + ": " + why, (key) -> new Window());
		Instant now = this.clock.instant();
		String line = null;
		synchronized (window) {
			window.count++;
			if (window.addresses.size() < MAX_ADDRESSES) {
				window.addresses.add(remoteAddress);
			}
			if (window.loggedAt == null || !now.isBefore(window.loggedAt.plus(this.interval))) {
				line = window.count == 1 ? "from " + remoteAddress
						: window.count + " times in the last " + Duration.between(window.since, now).toSeconds()
								+ " s, from " + window.addresses
								+ (window.addresses.size() == MAX_ADDRESSES ? " and others" : "");
				window.loggedAt = now;
				window.count = 0;
				window.since = now;
				window.addresses.clear();
			}
		}
		if (line != null) {
			log.warn("Refused {} ({}) {}; further refusals are summed up every {} s", endpoint, why, line,
					this.interval.toSeconds());
		}
	}

	/**
	 * Logs what was counted and not logged yet, once the interval has passed (called
	 * periodically), or at once when {@code force} (at shutdown).
	 */
	public void flush(boolean force) {
		Instant now = this.clock.instant();
		this.windows.forEach((what, window) -> {
			String line = null;
			synchronized (window) {
				if (window.count > 0 && (force || !now.isBefore(window.loggedAt.plus(this.interval)))) {
					line = what + " " + window.count + " times in the last "
							+ Duration.between(window.since, now).toSeconds() + " s, from " + window.addresses;
					window.loggedAt = now;
					window.count = 0;
					window.since = now;
					window.addresses.clear();
				}
			}
			if (line != null) {
				log.warn("Refused {}", line);
			}
		});
	}

	private static final class Window {

		private long count;

		private Instant loggedAt;

		private Instant since = Instant.MIN;

		private final Set<String> addresses = new LinkedHashSet<>();

	}

}
