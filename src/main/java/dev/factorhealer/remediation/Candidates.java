package dev.factorhealer.remediation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.factorhealer.okta.OktaIds;
import dev.factorhealer.okta.UserFactor;

/**
 * What one listing of a user's factors allows: the factors of the type in
 * {@code PENDING_ACTIVATION} that existed when the failure happened ({@code deletable}),
 * the pending ones created after it (a new enrollment in progress: never deleted),
 * pending ones whose id is not an Okta id (never put into a URL), and factors this
 * request already claimed on the ledger that are gone now (an earlier delivery's DELETE
 * took effect but its result was not recorded).
 */
record Candidates(List<UserFactor> ofType, List<UserFactor> deletable, List<UserFactor> newer, int invalidIds,
		List<String> vanishedAfterOurDelete, Instant failureTime) {

	static Candidates of(List<UserFactor> factors, String type, Instant failureTime, DeletionLedger.History history) {
		List<UserFactor> ofType = factors.stream().filter(f -> type.equals(f.factorType())).toList();
		List<UserFactor> deletable = new ArrayList<>();
		List<UserFactor> newer = new ArrayList<>();
		int invalid = 0;
		for (UserFactor factor : ofType) {
			if (!factor.isPendingActivation()) {
				continue;
			}
			if (!OktaIds.isValid(factor.id())) {
				invalid++;
			}
			else if (factor.created() == null || failureTime == null || factor.created().isAfter(failureTime)) {
				newer.add(factor);
			}
			else {
				deletable.add(factor);
			}
		}
		Set<String> present = new LinkedHashSet<>();
		factors.forEach(f -> present.add(f.id()));
		Set<String> ours = new LinkedHashSet<>(history.claimed());
		ours.addAll(history.deleted());
		ours.removeAll(present);
		return new Candidates(ofType, List.copyOf(deletable), List.copyOf(newer), invalid, List.copyOf(ours),
				failureTime);
	}

	String describe() {
		List<String> described = this.ofType.stream().map(f -> f.id() + " " + f.status()).toList();
		return described.isEmpty() ? "none of that type" : String.join(", ", described);
	}

	String describeNewer() {
		return "pending factor(s) " + this.newer.stream().map(f -> f.id() + " created " + f.created()).toList()
				+ " younger than the failure published " + this.failureTime
				+ ": a new enrollment in progress, not deleted";
	}

	/**
	 * Appended to a result's detail when pending factors younger than the failure were
	 * left alone.
	 */
	String skippedNote() {
		return this.newer.isEmpty() ? ""
				: "; left alone (newer than the failure): " + this.newer.stream().map(UserFactor::id).toList();
	}

}
