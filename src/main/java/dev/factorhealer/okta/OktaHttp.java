package dev.factorhealer.okta;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * HTTP calls against one Okta rate-limit bucket: the factors endpoints ({@code okta}) and
 * the System Log ({@code okta-logs}: its own instance, name and budget, same machinery).
 * Every call is {@code Retry(CircuitBreaker(RateLimiter(one HTTP call)))}, so every HTTP
 * attempt, retries included, takes a budget permit. This class puts the parts together,
 * each with one job: the budget ({@link CallBudget}), the gate after a 429
 * ({@link ThrottleGate}), one HTTP attempt ({@link OktaTransport}), what a failure means
 * ({@link OktaErrors}), the waits between attempts ({@link RetryWaits}), the circuit
 * breaker and retry policy ({@link OktaResilience}) and the credential's repeats
 * ({@link CredentialRepeat}).
 *
 * <p>
 * Callers wait for the gate on their own thread before taking a permit and look again
 * right after getting it: a permit taken while the gate closed is forfeited, never used
 * after the reset; a call whose deadline comes before the gate opens fails at once with
 * {@link OktaException.Unavailable}. A DELETE also waits on its {@link DeleteGuard}. A
 * service app's token is obtained before the attempt takes its permit.
 *
 * <p>
 * Retried: 429 (after the gate opens), 5xx, timeouts and connection errors, an open
 * circuit, no permit in time. Never retried: any other status (the caller decides what it
 * means). No wait extends past the deadline: when the next attempt could only start at or
 * after it, the call fails at once with the status, {@code errorCode} and {@code errorId}
 * of the last answer and the number of HTTP attempts made. (An attempt that starts before
 * the deadline may end up to {@code read-timeout} after it.) One retry happens below this
 * class: the JDK HttpClient resends a GET, never a DELETE, once when the server closes
 * the connection before any byte of an answer, i.e. when the first request was not
 * served.
 */
final class OktaHttp {

	private static final Logger log = LoggerFactory.getLogger(OktaHttp.class);

	private final String name;

	private final URI orgUrl;

	private final OktaAuthorization authorization;

	private final Clock clock;

	private final Duration permitTimeout;

	private final OktaTransport transport;

	private final CallBudget budget;

	private final ThrottleGate gate;

	private final CredentialRepeat credentials;

	private final CircuitBreaker circuitBreaker;

	private final Retry retry;

	/**
	 * @param name the bucket's name: resilience4j instances and their metrics carry it
	 * @param requestsPerMinute this bucket's budget
	 */
	OktaHttp(String name, URI orgUrl, RestClient client, OktaAuthorization authorization, int requestsPerMinute,
			OktaPolicyProperties policy, OktaResilience resilience, OktaMetrics metrics, JsonMapper mapper,
			Clock clock) {
		this(name, orgUrl, client, authorization, requestsPerMinute, policy, resilience, metrics, mapper, clock,
				OktaReply.MAX_BODY_BYTES);
	}

	/**
	 * @param maxBodyBytes bodies are read up to this many bytes (the rest is cut); the
	 * System Log's pages are larger than factor lists
	 */
	OktaHttp(String name, URI orgUrl, RestClient client, OktaAuthorization authorization, int requestsPerMinute,
			OktaPolicyProperties policy, OktaResilience resilience, OktaMetrics metrics, JsonMapper mapper, Clock clock,
			int maxBodyBytes) {
		this.name = name;
		this.orgUrl = Objects.requireNonNull(orgUrl, "orgUrl");
		this.authorization = Objects.requireNonNull(authorization, "authorization");
		this.clock = clock;
		this.permitTimeout = policy.permitTimeout();
		resilience.requireUnused(name);
		this.transport = new OktaTransport(client, authorization, mapper, metrics, clock, maxBodyBytes);
		this.budget = new CallBudget(name, requestsPerMinute, policy.permitTimeout(), resilience.rateLimiters, clock);
		this.gate = new ThrottleGate(name, clock, policy.lowRemainingFloor(), policy.maxResetWait(), metrics);
		this.credentials = new CredentialRepeat(authorization);
		this.circuitBreaker = resilience.circuitBreaker(name, policy);
		this.retry = resilience.retry(name, policy,
				new RetryWaits(this.gate, policy.initialBackoff(), policy.maxBackoff()));
	}

	/** This replica's share of the bucket's budget (see {@link CallBudget#share}). */
	int share(int owned, int total) {
		return this.budget.share(owned, total);
	}

	/**
	 * Two permits for a status read and its DELETE (see {@link CallBudget#reservePair}).
	 */
	BudgetPermits reservePair(Instant deadline) {
		return this.budget.reservePair(deadline);
	}

	/**
	 * An absolute URI on the org:
	 * {@code uri(b -> b.pathSegment("api", "v1", "users", id))}; values are encoded
	 * strictly.
	 */
	URI uri(Consumer<UriComponentsBuilder> path) {
		UriComponentsBuilder builder = UriComponentsBuilder.fromUri(this.orgUrl);
		path.accept(builder);
		return builder.build().encode().toUri();
	}

	/**
	 * Sends the request, retrying as the class documentation says, until an answer
	 * arrives that retrying cannot change: a 2xx, or a 4xx other than 429 (and any other
	 * status not retried).
	 * @throws OktaException.Unavailable when the retries or the deadline are spent
	 */
	Result send(OktaRequest request, Instant deadline) {
		return send(new OktaCall(request, deadline, this.clock, null, null));
	}

	/**
	 * {@link #send(OktaRequest, Instant)} whose first attempt uses the next permit of
	 * {@code permits} while it is usable.
	 */
	Result send(OktaRequest request, Instant deadline, BudgetPermits permits) {
		return send(new OktaCall(request, deadline, this.clock, permits, null));
	}

	/**
	 * {@link #send(OktaRequest, Instant)} for a DELETE: before every attempt the guard
	 * confirms the factor may still be deleted; an attempt that could only start after
	 * the guard's fresh limit does not start, and the next one asks the guard again. The
	 * guard's own exception ends the call.
	 */
	Result send(OktaRequest request, Instant deadline, DeleteGuard guard) {
		return send(new OktaCall(request, deadline, this.clock, null, Objects.requireNonNull(guard, "guard")));
	}

	private Result send(OktaCall call) {
		OktaRequest request = call.request;
		Objects.requireNonNull(call.deadline, "deadline");
		if (!sameOrigin(request.uri())) {
			// the token must never leave for another host (e.g. a System Log "next" link)
			throw new IllegalArgumentException(
					"Refusing to send the Okta API credentials to " + request.uri().getScheme() + "://"
							+ request.uri().getRawAuthority() + ": not the org " + this.orgUrl);
		}
		try {
			OktaReply reply = this.retry.executeSupplier(() -> attempt(call));
			return new Result(CredentialRepeat.unlessScopeMissing(call, reply), call.attempts.get(), call.lastLinks);
		}
		catch (FailedAttempt failure) {
			log.warn("Okta {} {}: giving up {}", request.operation(), request.subject(), call.outcome(failure));
			throw call.unavailable(failure);
		}
	}

	private OktaReply attempt(OktaCall call) {
		if (call.giveUp != null) {
			throw call.fail(FailureKind.DEADLINE, call.giveUp, null);
		}
		if (call.timeLeft().isZero()) {
			throw call.fail(FailureKind.DEADLINE, "the deadline " + call.deadline + " has passed", null);
		}
		if (call.guard != null) {
			confirmDelete(call);
		}
		// before the permit: a token request must not hold one of the API bucket's
		// permits
		try {
			call.credential = this.authorization.credential(call.deadline);
		}
		catch (OktaTokenException ex) {
			throw call.fail(ex.isTransient() ? FailureKind.TOKEN_UNAVAILABLE : FailureKind.TOKEN_REJECTED,
					"no access token: " + ex.getMessage(), null);
		}
		awaitGate(call);
		try {
			return this.circuitBreaker.executeSupplier(() -> rateLimitedExchange(call));
		}
		catch (FailedAttempt ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			OktaErrors.Failure failure = OktaErrors.classify(ex, this.name, this.permitTimeout);
			if (failure == null) {
				throw ex;
			}
			throw call.fail(failure);
		}
	}

	/**
	 * Asks the DELETE's guard before an attempt; a status read that could not be made now
	 * is tried again later.
	 */
	private void confirmDelete(OktaCall call) {
		DeleteGuard.Check check;
		try {
			check = call.guard.confirm(++call.confirmations, call.unanswered);
		}
		catch (OktaException.Unavailable ex) {
			// the status read could not be made now (open circuit, 5xx, no permit): try
			// again later
			throw call.fail(FailureKind.READ_FAILED, "the status read before the DELETE failed: " + ex.getMessage(),
					null);
		}
		call.permits = check.permits();
		call.freshUntil = check.freshUntil();
	}

	private OktaReply rateLimitedExchange(OktaCall call) {
		while (true) {
			if (call.permits == null || !call.permits.take(System.nanoTime())) {
				this.budget.acquire(call);
			}
			if (this.gate.closedFor().isZero()) {
				break;
			}
			// another thread was throttled meanwhile: this permit is forfeited, not
			// carried past the reset
			awaitGate(call);
		}
		if (call.freshUntil != null && this.clock.instant().isAfter(call.freshUntil)) {
			throw call.fail(FailureKind.STALE,
					"the factor's status was read before " + call.freshUntil + " and must be confirmed again", null);
		}
		OktaReply reply = this.transport.exchange(call);
		this.gate.observe(reply, call.request.operation() + " " + call.request.subject());
		if (reply.isThrottled() || reply.isServerError()) {
			throw new OktaErrors.RetryableAnswer(reply);
		}
		this.credentials.repeatIfAsked(call, reply);
		return reply;
	}

	private void awaitGate(OktaCall call) {
		boolean open;
		try {
			open = this.gate.awaitOpen(call.deadline);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw call.fail(FailureKind.INTERRUPTED, "interrupted while waiting for the rate-limit reset", ex);
		}
		if (!open) {
			throw call.fail(FailureKind.DEADLINE,
					"rate limit: no call before " + this.gate.opensAt() + ", after the deadline " + call.deadline,
					null);
		}
	}

	private boolean sameOrigin(URI uri) {
		return uri.isAbsolute() && Objects.equals(uri.getScheme(), this.orgUrl.getScheme())
				&& Objects.equals(uri.getRawAuthority(), this.orgUrl.getRawAuthority());
	}

	/**
	 * One request to send.
	 *
	 * @param operation the {@code operation} tag: {@code list_factors},
	 * {@code delete_factor}, {@code list_logs}
	 * @param uri absolute, on the org (see {@link OktaHttp#uri})
	 * @param subject who the call is about, for log lines (e.g.
	 * {@code user 00u... factor sms...})
	 */
	record OktaRequest(String operation, HttpMethod method, URI uri, String subject, byte[] body) {

		OktaRequest(String operation, HttpMethod method, URI uri, String subject) {
			this(operation, method, uri, subject, null);
		}

	}

	/**
	 * The answer that ended the call, the HTTP attempts it took and the values of that
	 * answer's {@code Link} headers (the System Log's paging; empty for most calls).
	 */
	record Result(OktaReply reply, int attempts, List<String> links) {
	}

}
