package dev.factorhealer.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.factorhealer.detection.RemediationRequest;
import dev.factorhealer.okta.BudgetPermits;
import dev.factorhealer.okta.OktaAnswer;
import dev.factorhealer.okta.OktaException;
import dev.factorhealer.okta.OktaFactors;
import dev.factorhealer.okta.Unenrollment;
import dev.factorhealer.okta.UserFactor;

/**
 * Decides and does one remediation: list the user's factors, pick those of the requested
 * type (if allowed) in {@code PENDING_ACTIVATION} that existed when the failure happened,
 * and in {@code live} mode unenroll each on a status read at most {@code max-status-age}
 * old (see {@link StatusGuard}). Never resets all factors, never touches a factor in any
 * other status, never one created after the failing event. Every DELETE is claimed on the
 * {@link DeletionLedger} first.
 */
class Remediator {

	private final OktaFactors okta;

	private final RemediationProperties properties;

	private final DeletionLedger ledger;

	private final RemediationModeSwitch mode;

	private final Clock clock;

	private final RemediationBrake brake;

	/** When this worker thread may make its next Okta call (the pause after a DELETE). */
	private final ThreadLocal<Instant> nextCall = ThreadLocal.withInitial(() -> Instant.MIN);

	Remediator(OktaFactors okta, RemediationProperties properties, DeletionLedger ledger, RemediationModeSwitch mode,
			RemediationBrake brake, Clock clock) {
		this.okta = okta;
		this.properties = properties;
		this.ledger = ledger;
		this.mode = mode;
		this.clock = clock;
		this.brake = brake;
	}

	RemediationResult remediate(RemediationRequest request) {
		// one mode for the whole request, whatever the kill switch says meanwhile
		RemediationMode mode = this.mode.current();
		ResultBuilder results = new ResultBuilder(request, mode, this.clock);
		Instant deadline = results.started.plus(this.properties.requestTimeout());
		String type = request.factorType();
		if (!this.properties.factorTypes().contains(type)) {
			return results.failed(FailureReason.FACTOR_TYPE_NOT_ALLOWED, "factor type '" + type
					+ "' is not in healer.remediation.factor-types " + this.properties.factorTypes());
		}
		boolean live = mode == RemediationMode.LIVE;
		String requestId = requestId(request);
		DeletionLedger.History history = live ? this.ledger.history(requestId) : DeletionLedger.History.NONE;
		Listing listing;
		try {
			listing = list(request, live, deadline, results);
		}
		catch (OktaException.UserNotFound ex) {
			results.attempts += ex.attempts();
			return results.of(RemediationOutcome.USER_NOT_FOUND, List.of(),
					"Okta does not know the user (" + ex.errorCode() + ")");
		}
		catch (OktaException ex) {
			results.attempts += ex.attempts();
			return results.oktaFailed("listing factors failed", ex, List.of());
		}
		Candidates candidates = Candidates.of(listing.factors(), type, failureTime(request), history);
		RemediationResult refused = refusal(candidates, type, results);
		if (refused != null) {
			return refused;
		}
		List<String> ids = candidates.deletable().stream().map(UserFactor::id).toList();
		if (!live) {
			return results.of(RemediationOutcome.DRY_RUN, ids,
					"dry-run: would unenroll " + ids + candidates.skippedNote());
		}
		return unenroll(new Job(request, requestId, candidates, results, deadline), listing.permits(),
				listing.readAt());
	}

	/**
	 * Lists the user's factors. Live, the DELETE's permit is reserved with the listing's,
	 * so it can follow at once.
	 */
	private Listing list(RemediationRequest request, boolean live, Instant deadline, ResultBuilder results) {
		pauseIfNeeded();
		BudgetPermits permits = live ? this.okta.reservePair(deadline) : null;
		OktaAnswer<List<UserFactor>> listed = this.okta.listFactors(request.userId(), deadline, permits);
		Instant readAt = this.clock.instant();
		results.attempts += listed.attempts();
		return new Listing(listed.value(), permits, readAt);
	}

	/**
	 * The result when nothing may be deleted on this listing; {@code null} when something
	 * may.
	 */
	private static RemediationResult refusal(Candidates candidates, String type, ResultBuilder results) {
		if (!candidates.vanishedAfterOurDelete().isEmpty()) {
			// a DELETE of this request was claimed and may have taken effect; its result
			// was never recorded
			return results.of(RemediationOutcome.DELETED, candidates.vanishedAfterOurDelete(),
					"unenrolled " + candidates.vanishedAfterOurDelete() + " by an earlier delivery of this request "
							+ "(claimed on the deletion ledger, gone now); recorded on redelivery");
		}
		if (candidates.invalidIds() > 0) {
			return results.failed(FailureReason.INVALID_FACTOR_ID, "Okta listed " + candidates.invalidIds()
					+ " pending " + type + " factor(s) without a valid id; nothing deleted");
		}
		if (candidates.deletable().isEmpty()) {
			if (!candidates.newer().isEmpty()) {
				return results.of(RemediationOutcome.NEWER_THAN_FAILURE, List.of(), candidates.describeNewer());
			}
			return results.of(RemediationOutcome.NOT_PENDING, List.of(),
					"no " + type + " factor in PENDING_ACTIVATION (" + candidates.describe() + ")");
		}
		return null;
	}

	/**
	 * The result of a request whose DELETE Okta confirmed in an earlier delivery that
	 * could not record it (results topic down, crash before the commit): DELETED, without
	 * calling Okta again.
	 */
	RemediationResult recordedLate(RemediationRequest request, List<String> deleted) {
		ResultBuilder results = new ResultBuilder(request, RemediationMode.LIVE, this.clock);
		return results.of(RemediationOutcome.DELETED, deleted, "unenrolled " + deleted
				+ " by an earlier delivery of this request (confirmed by Okta, on the deletion ledger); recorded on redelivery");
	}

	private RemediationResult unenroll(Job job, BudgetPermits listPermits, Instant listedAt) {
		if (this.brake.isEngaged()) {
			return job.results().failed(FailureReason.BRAKE_ENGAGED, this.brake.refusal());
		}
		List<String> deleted = new ArrayList<>();
		List<String> alreadyRemoved = new ArrayList<>();
		BudgetPermits permits = listPermits;
		Instant readAt = listedAt;
		for (UserFactor factor : job.candidates().deletable()) {
			DeletionLedger.Claim claim = this.ledger.claim(job.requestId(), job.request().userId(), factor.id(),
					job.deadline());
			if (!claim.granted()) {
				return job.results()
					.failed(FailureReason.DELETION_CAP, deleted,
							"deletion cap reached: " + this.ledger.max()
									+ " deletions in the last hour (healer.remediation.max-deletions-per-hour), "
									+ "or the deletion ledger could not be reached");
			}
			RemediationResult stop = unenrollOne(job, factor, claim, permits, readAt, deleted, alreadyRemoved);
			if (stop != null) {
				return stop;
			}
			// a second factor needs a read of its own
			permits = null;
			readAt = Instant.MIN;
		}
		if (deleted.isEmpty()) {
			return job.results()
				.of(RemediationOutcome.ALREADY_REMOVED, alreadyRemoved, "the pending factor was already gone (404)");
		}
		List<String> all = new ArrayList<>(deleted);
		all.addAll(alreadyRemoved);
		return job.results()
			.of(RemediationOutcome.DELETED, all, "unenrolled " + deleted + job.candidates().skippedNote());
	}

	/**
	 * One claimed factor: its DELETE behind a fresh status read. Adds it to
	 * {@code deleted} or {@code alreadyRemoved}; returns the request's result when it
	 * ends here, else {@code null}.
	 */
	private RemediationResult unenrollOne(Job job, UserFactor factor, DeletionLedger.Claim claim, BudgetPermits permits,
			Instant readAt, List<String> deleted, List<String> alreadyRemoved) {
		ResultBuilder results = job.results();
		StatusGuard guard = new StatusGuard(this.okta, job.request(), factor, failureTime(job.request()),
				this.properties.maxStatusAge(), job.deadline(), this.clock, readAt, permits);
		try {
			pauseIfNeeded();
			OktaAnswer<Unenrollment> answer = this.okta.deleteFactor(job.request().userId(), factor.id(),
					job.deadline(), guard);
			results.attempts += answer.attempts() + guard.reads();
			if (answer.value() == Unenrollment.DELETED) {
				this.ledger.deleted(claim);
				deleted.add(factor.id());
			}
			else {
				releaseIfUnambiguous(claim, guard);
				alreadyRemoved.add(factor.id());
			}
			this.nextCall.set(this.clock.instant().plus(this.properties.pauseAfterDelete()));
			return null;
		}
		catch (StatusGuard.Changed changed) {
			results.attempts += guard.reads() + guard.unanswered();
			if (changed.gone() && guard.unanswered() > 0) {
				// our earlier attempt got no answer (5xx, timeout) but took effect
				this.ledger.deleted(claim);
				deleted.add(factor.id());
				return null;
			}
			releaseIfUnambiguous(claim, guard);
			if (changed.gone()) {
				alreadyRemoved.add(factor.id());
				return null;
			}
			return results.of(changed.outcome(), deleted, changed.getMessage());
		}
		catch (OktaException ex) {
			results.attempts += ex.attempts() + guard.reads();
			if (ex instanceof OktaException.Rejected) {
				releaseIfUnambiguous(claim, guard);
			}
			return results.oktaFailed("unenrolling factor " + factor.id() + " failed", ex, deleted);
		}
	}

	/**
	 * A slot goes back only when Okta definitively did not delete: every DELETE sent was
	 * answered (404, another 4xx, 429), or none was sent; never after a timeout or 5xx,
	 * which may have taken effect.
	 */
	private void releaseIfUnambiguous(DeletionLedger.Claim claim, StatusGuard guard) {
		if (guard.unanswered() == 0) {
			this.ledger.release(claim);
		}
	}

	/**
	 * The failing event's time; for a request written before it was carried, when it was
	 * detected.
	 */
	static Instant failureTime(RemediationRequest request) {
		return (request.published() != null) ? request.published() : request.detectedAt();
	}

	/**
	 * One request, however often it is delivered or replayed: the user, the event and the
	 * factor type.
	 */
	static String requestId(RemediationRequest request) {
		return request.userId() + "/" + request.sourceEventUuid() + "/" + request.factorType();
	}

	private void pauseIfNeeded() {
		Duration wait = Duration.between(this.clock.instant(), this.nextCall.get());
		if (!wait.isNegative() && !wait.isZero()) {
			try {
				Thread.sleep(wait.toMillis() + 1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted during the pause after a DELETE", ex);
			}
		}
	}

	/**
	 * The user's factors as listed, with the permits reserved for a DELETE right after.
	 */
	private record Listing(List<UserFactor> factors, BudgetPermits permits, Instant readAt) {
	}

	/** One live request being worked on. */
	private record Job(RemediationRequest request, String requestId, Candidates candidates, ResultBuilder results,
			Instant deadline) {
	}

}
