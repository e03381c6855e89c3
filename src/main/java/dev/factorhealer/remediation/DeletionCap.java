package dev.factorhealer.remediation;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most N deletions in any sliding hour (not per clock hour): a rule gone wrong can
 * delete at most N factors before a human looks. Decided over the deletion ledger's
 * claims in their log order, so every replica that reads the ledger reaches the same
 * decision for every claim, and a restart that reads it again rebuilds the same
 * allowance. A granted claim keeps its slot unless it is released (Okta definitively did
 * not delete); a claim whose DELETE got a timeout or a 5xx, or whose process died, keeps
 * it for the hour. Not thread-safe: the ledger's reader alone calls it.
 */
final class DeletionCap {

	private static final Duration HOUR = Duration.ofHours(1);

	private final int max;

	/** Granted, unreleased claims by id, in log order, with the time each was claimed. */
	private final Map<String, Instant> granted = new LinkedHashMap<>();

	DeletionCap(int max) {
		this.max = max;
	}

	/**
	 * Decides the claim read next from the ledger: {@code true} when the hour before it
	 * has a slot left.
	 */
	boolean decide(String claimId, Instant claimedAt) {
		Instant horizon = claimedAt.minus(HOUR);
		for (Iterator<Instant> it = this.granted.values().iterator(); it.hasNext();) {
			if (!it.next().isAfter(horizon)) {
				it.remove();
			}
		}
		if (this.granted.size() >= this.max) {
			return false;
		}
		this.granted.put(claimId, claimedAt);
		return true;
	}

	/** Hands a slot back: Okta answered 404 or another 4xx, or nothing was sent. */
	void release(String claimId) {
		this.granted.remove(claimId);
	}

	/** Slots taken in the hour up to {@code now}. */
	int used(Instant now) {
		Instant horizon = now.minus(HOUR);
		return (int) this.granted.values().stream().filter(at -> at.isAfter(horizon)).count();
	}

	int max() {
		return this.max;
	}

}
