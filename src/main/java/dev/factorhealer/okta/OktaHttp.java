package dev.factorhealer.okta;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

import dev.factorhealer.okta.OktaAuthorization.Challenge;

/**
 * HTTP calls against one Okta rate-limit bucket: the factors endpoints ({@code okta}) and the
 * System Log ({@code okta-logs}: its own instance, name and budget, same machinery). Every call is
 * {@code Retry(CircuitBreaker(RateLimiter(one HTTP call)))}, so every HTTP attempt, retries
 * included, takes a budget permit; this class reads status, headers and body of every answer
 * itself (RestClient never throws for a 4xx or 5xx here).
 *
 * <h2>The budget holds in every 60-second window</h2>
 * Okta's per-minute window is not aligned with ours, so a limiter that grants the whole budget
 * {@code B} once a minute can let nearly {@code 2B} calls through in one of Okta's windows. The
 * RateLimiter therefore grants {@code limitForPeriod = 1} permit per refresh period
 * {@code p = 60 s / (B - 1)} (rounded up to the nanosecond). Proof: a 60-second window, wherever
 * it starts, overlaps at most {@code ceil(60 s / p) + 1} refresh cycles; each cycle grants one
 * permit, so with {@code p >= 60 s / (B - 1)} no window holds more than {@code (B - 1) + 1 = B}
 * calls. The price is one call per minute: throughput is {@code (B - 1) / B} of the budget, at
 * least 95 % for {@code B >= 20}. A call waits at most {@code permit-timeout}, and never past its
 * deadline, for a permit ({@code RequestNotPermitted} when none comes in time: retried). A status
 * read and its DELETE take two consecutive permits at once ({@link BudgetPermits}) and go out at the
 * start of the second period; each period is padded so that this, too, keeps every window within B.
 *
 * <h2>The throttle gate</h2>
 * After a 429, or an answer whose {@code X-Rate-Limit-Remaining} is at or below
 * {@code low-remaining-floor}, no call of this bucket starts, from any thread, before the reset
 * Okta announced ({@link OktaReply.RateLimit#resumeAt}: relative to the answer's {@code Date},
 * plus {@value #GATE_MARGIN_MILLIS} ms; a reset more than {@code max-reset-wait} ahead, past,
 * missing or garbled means that maximum). Callers wait on their own thread before taking a permit
 * and look again right after getting it: a permit taken while the gate closed is forfeited, never
 * used after the reset; a call whose deadline comes before the gate opens fails at once with
 * {@link OktaException.Unavailable}. A DELETE also waits on its {@link DeleteGuard}.
 *
 * <h2>Retries</h2>
 * Retried: 429 (after the gate opens), 5xx, timeouts and connection errors, an open circuit, no
 * permit in time; each other wait is exponential backoff with equal jitter between
 * {@code initial-backoff} and {@code max-backoff}. Never retried: any other status (the caller
 * decides what it means). No wait extends past the deadline: when the next attempt could only
 * start at or after it, the call fails at once with the status, {@code errorCode} and
 * {@code errorId} of the last answer and the number of HTTP attempts made. (An attempt that
 * starts before the deadline may end up to {@code read-timeout} after it.) One retry happens below
 * this class: the JDK HttpClient resends a GET, never a DELETE, once when the server closes the
 * connection before any byte of an answer, i.e. when the first request was not served.
 *
 * <h2>Credentials</h2>
 * The {@link OktaAuthorization} sets {@code Authorization} (and a DPoP proof) on every attempt; a
 * service app's token is obtained before the attempt takes its permit. A 401 renews the token once
 * and a {@code use_dpop_nonce} challenge takes the nonce once: either is repeated as a normal
 * attempt (a permit of its own, counted by Retry, not by the circuit). A 403
 * {@code insufficient_scope} ends the call with {@link OktaException.Rejected} naming the scope.
 *
 * <h2>The circuit breaker</h2>
 * Count-based over the last {@code circuit-window} calls; 5xx answers, timeouts and connection
 * errors are failures, every other answer a success, 429 and waits that ran out of time are not
 * counted. Open for {@code circuit-open-for}, then half-open on its own.
 */
final class OktaHttp {

	private static final Logger log = LoggerFactory.getLogger(OktaHttp.class);

	static final long GATE_MARGIN_MILLIS = 250;

	static final Duration GATE_MARGIN = Duration.ofMillis(GATE_MARGIN_MILLIS);

	static final String USER_AGENT = "okta-factor-healer";

	/** How far into its period the first call of a pair may start; later, the pair's permit is forfeited. */
	static final Duration PAIR_START_SLACK = Duration.ofMillis(12);

	private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final String name;

	private final URI orgUrl;

	private final RestClient client;

	private final OktaAuthorization authorization;

	private final JsonMapper mapper;

	private final OktaMetrics metrics;

	private final Clock clock;

	private final int lowRemainingFloor;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private final Duration permitTimeout;

	private final Duration maxResetWait;

	private volatile long periodNanos;

	private final int maxBodyBytes;

	private final ThrottleGate gate;

	/** Replaced when this replica's share of the budget changes (see {@link #share}). */
	private final AtomicReference<RateLimiter> rateLimiter = new AtomicReference<>();

	private final RateLimiterRegistry rateLimiters;

	private final int budget;

	private final Duration permitTimeout0;

	private final CircuitBreaker circuitBreaker;

	private final Retry retry;

	/**
	 * @param name the bucket's name: resilience4j instances and their metrics carry it
	 * @param requestsPerMinute this bucket's budget
	 */
	OktaHttp(String name, URI orgUrl, RestClient client, OktaAuthorization authorization, int requestsPerMinute,
			OktaPolicyProperties policy, OktaResilience resilience, OktaMetrics metrics, JsonMapper mapper, Clock clock) {
		this(name, orgUrl, client, authorization, requestsPerMinute, policy, resilience, metrics, mapper, clock,
				OktaReply.MAX_BODY_BYTES);
	}

	/**
	 * @param maxBodyBytes bodies are read up to this many bytes (the rest is cut); the System Log's
	 * pages are larger than factor lists
	 */
	OktaHttp(String name, URI orgUrl, RestClient client, OktaAuthorization authorization, int requestsPerMinute,
			OktaPolicyProperties policy, OktaResilience resilience, OktaMetrics metrics, JsonMapper mapper, Clock clock,
			int maxBodyBytes) {
		this.name = name;
		this.orgUrl = Objects.requireNonNull(orgUrl, "orgUrl");
		this.client = client;
		this.authorization = Objects.requireNonNull(authorization, "authorization");
		this.mapper = mapper;
		this.metrics = metrics;
		this.clock = clock;
		this.lowRemainingFloor = policy.lowRemainingFloor();
		this.initialBackoff = policy.initialBackoff();
		this.maxBackoff = policy.maxBackoff();
		this.permitTimeout = policy.permitTimeout();
		this.maxResetWait = policy.maxResetWait();
		this.maxBodyBytes = maxBodyBytes;
		this.gate = new ThrottleGate(clock);
		resilience.requireUnused(name);
		this.rateLimiters = resilience.rateLimiters;
		this.budget = requestsPerMinute;
		this.permitTimeout0 = policy.permitTimeout();
		this.rateLimiter.set(this.rateLimiters.rateLimiter(name, limiterConfig(requestsPerMinute)));
		this.periodNanos = refreshPeriod(requestsPerMinute).toNanos();
		int window = policy.circuitWindow();
		this.circuitBreaker = resilience.circuitBreakers.circuitBreaker(name, CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(window)
			.minimumNumberOfCalls(window)
			.failureRateThreshold(policy.circuitFailureRate())
			.waitDurationInOpenState(policy.circuitOpenFor())
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.permittedNumberOfCallsInHalfOpenState(Math.min(3, window))
			// waits for the gate or a permit are not slowness of Okta; timeouts are failures already
			.slowCallDurationThreshold(Duration.ofDays(1))
			.recordException(OktaHttp::isOutage)
			.ignoreException(OktaHttp::isNotCounted)
			.writableStackTraceEnabled(false)
			.build());
		this.retry = resilience.retries.retry(name, RetryConfig.<OktaReply>custom()
			.maxAttempts(policy.maxAttempts())
			.retryOnException(ex -> ex instanceof FailedAttempt failed && failed.kind.retryable)
			.intervalBiFunction(this::waitBeforeRetry)
			.failAfterMaxAttempts(false)
			.writableStackTraceEnabled(false)
			.build());
		this.circuitBreaker.getEventPublisher()
			.onStateTransition(event -> log.warn("Okta circuit breaker '{}': {} (failure rate {}% over the last {} calls)",
					name, event.getStateTransition(), this.circuitBreaker.getMetrics().getFailureRate(),
					this.circuitBreaker.getMetrics().getNumberOfBufferedCalls()));
	}

	/**
	 * The RestClient every bucket of one org (and its token endpoint) uses: JDK HttpClient with the
	 * timeouts, base URL the org, JSON, no redirects followed. The {@link OktaAuthorization} sets
	 * {@code Authorization} per attempt.
	 */
	static RestClient restClient(OktaClientProperties client, OktaPolicyProperties policy) {
		HttpClient httpClient = HttpClient.newBuilder()
			.connectTimeout(policy.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(policy.readTimeout());
		return RestClient.builder()
			.requestFactory(requestFactory)
			.baseUrl(client.orgUrl())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.defaultHeader(HttpHeaders.USER_AGENT, USER_AGENT)
			.build();
	}

	/**
	 * {@code 60 s / (requestsPerMinute - 1)}, rounded up so that no 60-second window can hold more
	 * than {@code requestsPerMinute} permits (see the class documentation), plus a padding that
	 * leaves room for the first call of a {@link BudgetPermits pair}.
	 */
	static Duration refreshPeriod(int requestsPerMinute) {
		if (requestsPerMinute < 2) {
			throw new IllegalArgumentException("requestsPerMinute must be at least 2: " + requestsPerMinute);
		}
		long slices = requestsPerMinute - 1L;
		// padding: the first call of a pair goes out up to PAIR_START_SLACK into the period after its
		// permit's; the (B - 1) periods a 60-second window spans add up to twice that slack more
		long padding = (2 * PAIR_START_SLACK.toNanos() + slices - 1) / slices;
		return Duration.ofNanos((MINUTE_NANOS + slices - 1) / slices + padding);
	}

	/**
	 * This replica's share of the bucket's budget: {@code floor(budget * owned / total)} calls a
	 * minute, for the replica that owns {@code owned} of the {@code total} partitions its work comes
	 * from. Shares of replicas that own disjoint partitions add up to at most the budget. The new
	 * limiter grants its first permit only after one of its periods, so a change never lets a burst
	 * through; a share under 2 calls a minute makes no calls at all (no partition should get less:
	 * the settings are checked at start-up).
	 * @return the calls a minute this replica now makes
	 */
	int share(int owned, int total) {
		int share = (total <= 0) ? this.budget : (int) ((long) this.budget * Math.max(0, owned) / total);
		RateLimiter next = RateLimiter.of(this.name, limiterConfig(Math.max(2, share)));
		next.drainPermissions();
		if (share < 2) {
			// nothing to do for this replica: hold every permit back
			next = RateLimiter.of(this.name, RateLimiterConfig.from(next.getRateLimiterConfig())
				.limitRefreshPeriod(Duration.ofDays(1))
				.build());
			next.drainPermissions();
		}
		this.rateLimiters.replace(this.name, next);
		this.rateLimiter.set(next);
		this.periodNanos = next.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
		return (share < 2) ? 0 : share;
	}

	private RateLimiterConfig limiterConfig(int requestsPerMinute) {
		Duration period = refreshPeriod(requestsPerMinute);
		return RateLimiterConfig.custom()
			.limitForPeriod(1)
			.limitRefreshPeriod(period)
			// a pair of permits may need two periods
			.timeoutDuration(max(this.permitTimeout0, period.multipliedBy(2).plusSeconds(1)))
			.writableStackTraceEnabled(false)
			.build();
	}

	/** An absolute URI on the org: {@code uri(b -> b.pathSegment("api", "v1", "users", id))}; values are encoded strictly. */
	URI uri(Consumer<UriComponentsBuilder> path) {
		UriComponentsBuilder builder = UriComponentsBuilder.fromUri(this.orgUrl);
		path.accept(builder);
		return builder.build().encode().toUri();
	}

	/**
	 * Sends the request, retrying as the class documentation says, until an answer arrives that
	 * retrying cannot change: a 2xx, or a 4xx other than 429 (and any other status not retried).
	 * @throws OktaException.Unavailable when the retries or the deadline are spent
	 */
	Result send(OktaRequest request, Instant deadline) {
		return send(new Call(request, deadline, this.clock, null, null));
	}

	/** {@link #send(OktaRequest, Instant)} whose first attempt uses the next permit of {@code permits} while it is usable. */
	Result send(OktaRequest request, Instant deadline, BudgetPermits permits) {
		return send(new Call(request, deadline, this.clock, permits, null));
	}

	/**
	 * {@link #send(OktaRequest, Instant)} for a DELETE: before every attempt the guard confirms the
	 * factor may still be deleted; an attempt that could only start after the guard's fresh limit
	 * does not start, and the next one asks the guard again. The guard's own exception ends the call.
	 */
	Result send(OktaRequest request, Instant deadline, DeleteGuard guard) {
		return send(new Call(request, deadline, this.clock, null, Objects.requireNonNull(guard, "guard")));
	}

	private Result send(Call call) {
		OktaRequest request = call.request;
		Objects.requireNonNull(call.deadline, "deadline");
		if (!sameOrigin(request.uri())) {
			// the token must never leave for another host (e.g. a System Log "next" link)
			throw new IllegalArgumentException("Refusing to send the Okta API credentials to " + request.uri().getScheme() + "://"
					+ request.uri().getRawAuthority() + ": not the org " + this.orgUrl);
		}
		try {
			OktaReply reply = this.retry.executeSupplier(() -> attempt(call));
			if (reply.status() == 403 && call.challenge.type() == Challenge.Type.INSUFFICIENT_SCOPE) {
				throw missingScope(call, reply);
			}
			return new Result(reply, call.attempts.get(), call.lastLinks);
		}
		catch (FailedAttempt failure) {
			log.warn("Okta {} {}: giving up {}", request.operation(), request.subject(), call.outcome(failure));
			throw call.unavailable(failure);
		}
	}

	/**
	 * Two permits for a status read and the DELETE right after it (see {@link BudgetPermits});
	 * waits for them on the calling thread.
	 * @throws OktaException.Unavailable when they come only after the deadline
	 */
	BudgetPermits reservePair(Instant deadline) {
		long left = Duration.between(this.clock.instant(), deadline).toNanos();
		long reservedAt = System.nanoTime();
		long nanos = (left > 0) ? this.rateLimiter.get().reservePermission(2) : -1;
		if (nanos < 0 || nanos >= left) {
			throw new OktaException.Unavailable("Okta " + this.name + ": no pair of budget permits before the deadline "
					+ deadline, 0, null, null, 0, null);
		}
		if (nanos > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(nanos);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new OktaException.Unavailable("interrupted while waiting for budget permits", 0, null, null, 0, ex);
			}
		}
		return new BudgetPermits(reservedAt + nanos, this.periodNanos);
	}

	private OktaReply attempt(Call call) {
		if (call.giveUp != null) {
			throw call.fail(Kind.DEADLINE, call.giveUp, null);
		}
		if (call.timeLeft().isZero()) {
			throw call.fail(Kind.DEADLINE, "the deadline " + call.deadline + " has passed", null);
		}
		if (call.guard != null) {
			DeleteGuard.Check check;
			try {
				check = call.guard.confirm(++call.confirmations, call.unanswered);
			}
			catch (OktaException.Unavailable ex) {
				// the status read could not be made now (open circuit, 5xx, no permit): try again later
				throw call.fail(Kind.READ_FAILED, "the status read before the DELETE failed: " + ex.getMessage(), null);
			}
			call.permits = check.permits();
			call.freshUntil = check.freshUntil();
		}
		// before the permit: a token request must not hold one of the API bucket's permits
		try {
			call.credential = this.authorization.credential(call.deadline);
		}
		catch (OktaTokenException ex) {
			throw call.fail(ex.isTransient() ? Kind.TOKEN_UNAVAILABLE : Kind.TOKEN_REJECTED,
					"no access token: " + ex.getMessage(), null);
		}
		awaitGate(call);
		try {
			return this.circuitBreaker.executeSupplier(() -> rateLimitedExchange(call));
		}
		catch (CallNotPermittedException ex) {
			throw call.fail(Kind.CIRCUIT_OPEN, "circuit breaker '" + this.name + "' is open", ex);
		}
		catch (RequestNotPermitted ex) {
			throw call.fail(Kind.NO_PERMIT, "no budget permit within " + this.permitTimeout, ex);
		}
		catch (RetryableAnswer ex) {
			throw call.fail(ex.reply.isThrottled() ? Kind.THROTTLED : Kind.SERVER_ERROR, ex.reply.describe(), null);
		}
		catch (RepeatAnswer ex) {
			throw call.fail(Kind.REPEAT, ex.getMessage(), null);
		}
		catch (ResourceAccessException ex) {
			boolean timeout = isTimeout(ex);
			throw call.fail(timeout ? Kind.TIMEOUT : Kind.IO_ERROR,
					timeout ? "timed out" : "connection error (" + rootMessage(ex) + ")", ex);
		}
	}

	private OktaReply rateLimitedExchange(Call call) {
		while (true) {
			if (call.permits == null || !call.permits.take(System.nanoTime())) {
				acquirePermit(call);
			}
			if (this.gate.closedFor().isZero()) {
				break;
			}
			// another thread was throttled meanwhile: this permit is forfeited, not carried past the reset
			awaitGate(call);
		}
		if (call.freshUntil != null && this.clock.instant().isAfter(call.freshUntil)) {
			throw call.fail(Kind.STALE, "the factor's status was read before " + call.freshUntil
					+ " and must be confirmed again", null);
		}
		return exchange(call);
	}

	private void acquirePermit(Call call) {
		long left = call.timeLeft().toNanos();
		if (this.rateLimiter.get() instanceof AtomicRateLimiter atomic && atomic.getDetailedMetrics().getNanosToWait() >= left) {
			throw call.fail(Kind.DEADLINE, "no budget permit before the deadline " + call.deadline, null);
		}
		long nanos = this.rateLimiter.get().reservePermission();
		if (nanos < 0) {
			throw RequestNotPermitted.createRequestNotPermitted(this.rateLimiter.get());
		}
		if (nanos >= call.timeLeft().toNanos() && nanos > 0) {
			throw call.fail(Kind.DEADLINE, "no budget permit before the deadline " + call.deadline, null);
		}
		if (nanos > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(nanos);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw call.fail(Kind.INTERRUPTED, "interrupted while waiting for a budget permit", ex);
			}
		}
	}

	private void awaitGate(Call call) {
		boolean open;
		try {
			open = this.gate.awaitOpen(call.deadline);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw call.fail(Kind.INTERRUPTED, "interrupted while waiting for the rate-limit reset", ex);
		}
		if (!open) {
			throw call.fail(Kind.DEADLINE, "rate limit: no call before " + this.gate.opensAt() + ", after the deadline "
					+ call.deadline, null);
		}
	}

	private OktaReply exchange(Call call) {
		OktaRequest request = call.request;
		call.attempts.incrementAndGet();
		long started = System.nanoTime();
		OktaReply reply;
		try {
			RestClient.RequestBodySpec spec = this.client.method(request.method())
				.uri(request.uri())
				.headers(headers -> this.authorization.apply(headers, call.credential, request.method(), request.uri()));
			if (request.body() != null) {
				spec = spec.contentType(MediaType.APPLICATION_JSON).body(request.body());
			}
			reply = spec.exchange((clientRequest, response) -> {
					OktaReply answer = read(response);
					call.lastLinks = List.copyOf(response.getHeaders().getOrEmpty(HttpHeaders.LINK));
					call.challenge = this.authorization.challenge(answer.status(), response.getHeaders());
					return answer;
				}, true);
		}
		catch (ResourceAccessException ex) {
			call.unanswered++;
			this.metrics.request(request.operation(), isTimeout(ex) ? OktaMetrics.TIMEOUT : OktaMetrics.IO_ERROR,
					System.nanoTime() - started);
			throw ex;
		}
		this.metrics.request(request.operation(), Integer.toString(reply.status()), System.nanoTime() - started);
		call.lastReply = reply;
		if (reply.isServerError()) {
			call.unanswered++;
		}
		observe(reply, call);
		if (reply.isThrottled() || reply.isServerError()) {
			throw new RetryableAnswer(reply);
		}
		repeatIfTheCredentialAsks(call, reply);
		return reply;
	}

	/**
	 * A 401 {@code invalid_token} renews the token once and a {@code use_dpop_nonce} challenge
	 * takes the nonce once; either repeats the call through the normal attempt path (a permit of
	 * its own). A second such answer is final.
	 */
	private void repeatIfTheCredentialAsks(Call call, OktaReply reply) {
		Challenge challenge = call.challenge;
		if (challenge.type() == Challenge.Type.RENEW_TOKEN && !call.renewed) {
			call.renewed = true;
			this.authorization.renew(call.credential);
			throw new RepeatAnswer(reply.describe() + ": renewing the access token");
		}
		if (challenge.type() == Challenge.Type.USE_NONCE && !call.nonceTaken) {
			call.nonceTaken = true;
			throw new RepeatAnswer(reply.describe() + ": use_dpop_nonce");
		}
	}

	private OktaException.Rejected missingScope(Call call, OktaReply reply) {
		String scope = (call.challenge.scope() != null) ? call.challenge.scope() : "(not named by Okta)";
		String message = "Okta " + call.request.operation() + " " + call.request.subject() + " was rejected: "
				+ reply.describe() + ": the access token lacks the scope " + scope
				+ "; grant it to the service app and add it to okta.client.scopes (OKTA_CLIENT_SCOPES)";
		log.warn("{}; not retried", message);
		return new OktaException.Rejected(message, reply.status(), reply.error().errorCode(), reply.error().errorId(),
				call.attempts.get());
	}

	private OktaReply read(ClientHttpResponse response) throws IOException {
		Instant receivedAt = this.clock.instant();
		int status = response.getStatusCode().value();
		HttpHeaders headers = response.getHeaders();
		byte[] body;
		try (InputStream in = response.getBody()) {
			body = in.readNBytes(this.maxBodyBytes);
		}
		return OktaReply.of(status, headers, body, this.mapper, receivedAt);
	}

	private void observe(OktaReply reply, Call call) {
		Integer remaining = reply.rateLimit().remaining();
		if (remaining != null) {
			this.metrics.remaining(remaining);
		}
		if (reply.rateLimit().limit() != null) {
			this.metrics.limit(reply.rateLimit().limit());
		}
		boolean lowRemaining = remaining != null && remaining <= this.lowRemainingFloor;
		if (!reply.isThrottled() && !lowRemaining) {
			return;
		}
		OktaReply.RateLimit rateLimit = reply.rateLimit();
		if (!rateLimit.isTrusted(reply.receivedAt(), this.maxResetWait)) {
			log.warn("Okta rate limit '{}': X-Rate-Limit-Reset '{}' (Date {}) is missing, not a number, in the past or "
					+ "more than {} ahead; waiting {} (healer.okta.max-reset-wait)", this.name, rateLimit.rawReset(),
					rateLimit.date(), this.maxResetWait, this.maxResetWait);
		}
		Instant until = rateLimit.resumeAt(reply.receivedAt(), GATE_MARGIN, this.maxResetWait);
		if (reply.isThrottled()) {
			this.metrics.throttled();
			if (this.gate.closeUntil(until)) {
				log.warn("Okta rate limit '{}': 429 {} on {} {}; no call before {}", this.name, reply.error().describe(),
						call.request.operation(), call.request.subject(), until);
			}
		}
		else if (this.gate.closeUntil(until)) {
			log.info("Okta rate limit '{}': X-Rate-Limit-Remaining {} (floor {}) after {} {}; no call before {}",
					this.name, remaining, this.lowRemainingFloor, call.request.operation(), call.request.subject(), until);
		}
	}

	/** How long Retry waits before the next attempt; gives the call up when that would pass its deadline. */
	private long waitBeforeRetry(int attempt, Either<Throwable, OktaReply> outcome) {
		if (outcome.isRight() || !(outcome.getLeft() instanceof FailedAttempt failure)) {
			return backoff(attempt).toMillis();
		}
		Call call = failure.call;
		OktaRequest request = call.request;
		Duration wait;
		String until;
		if (failure.kind == Kind.STALE) {
			return 0;
		}
		if (failure.kind == Kind.REPEAT) {
			log.info("Okta {} {}: attempt {}: {}; repeating", request.operation(), request.subject(), attempt,
					failure.reason);
			return 0;
		}
		if (failure.kind == Kind.THROTTLED) {
			Instant opens = this.gate.opensAt();
			if (opens.isAfter(call.deadline)) {
				call.giveUp = failure.reason + "; the rate limit resets at " + opens + ", after the deadline " + call.deadline;
				return 0;
			}
			wait = this.gate.closedFor();
			until = " (rate-limit reset)";
		}
		else {
			wait = backoff(attempt);
			until = "";
		}
		if (wait.compareTo(call.timeLeft()) >= 0) {
			call.giveUp = failure.reason + "; no time left before the deadline " + call.deadline + " for another attempt";
			return 0;
		}
		log.info("Okta {} {}: attempt {} failed: {}; retrying in {} ms{}", request.operation(), request.subject(),
				attempt, failure.reason, wait.toMillis(), until);
		return wait.toMillis();
	}

	/** Exponential backoff with equal jitter: a random wait in [max(initial, b/2), b], b = initial * 2^(attempt-1) capped. */
	Duration backoff(int attempt) {
		long initial = this.initialBackoff.toNanos();
		long max = this.maxBackoff.toNanos();
		long exponential = initial;
		for (int i = 1; i < attempt && exponential < max; i++) {
			exponential = (exponential > max / 2) ? max : exponential * 2;
		}
		exponential = Math.min(exponential, max);
		long low = Math.max(initial, exponential / 2);
		long nanos = (low >= exponential) ? exponential : ThreadLocalRandom.current().nextLong(low, exponential + 1);
		return Duration.ofNanos(nanos);
	}

	private boolean sameOrigin(URI uri) {
		return uri.isAbsolute() && Objects.equals(uri.getScheme(), this.orgUrl.getScheme())
				&& Objects.equals(uri.getRawAuthority(), this.orgUrl.getRawAuthority());
	}

	/** What the circuit breaker counts as a failure: 5xx, timeouts, connection errors. */
	private static boolean isOutage(Throwable ex) {
		return (ex instanceof RetryableAnswer answer && answer.reply.isServerError()) || ex instanceof ResourceAccessException;
	}

	/** What the circuit breaker does not count at all: 429, no permit, out of time. */
	private static boolean isNotCounted(Throwable ex) {
		return (ex instanceof RetryableAnswer answer && answer.reply.isThrottled()) || ex instanceof RequestNotPermitted
				|| ex instanceof FailedAttempt || ex instanceof RepeatAnswer;
	}

	static boolean isTimeout(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException
					|| cause instanceof TimeoutException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ((root.getMessage() != null) ? ": " + root.getMessage() : "");
	}

	/**
	 * One request to send.
	 *
	 * @param operation the {@code operation} tag: {@code list_factors}, {@code delete_factor},
	 * {@code list_logs}
	 * @param uri absolute, on the org (see {@link OktaHttp#uri})
	 * @param subject who the call is about, for log lines (e.g. {@code user 00u... factor sms...})
	 */
	record OktaRequest(String operation, HttpMethod method, URI uri, String subject, byte[] body) {

		OktaRequest(String operation, HttpMethod method, URI uri, String subject) {
			this(operation, method, uri, subject, null);
		}

	}

	/**
	 * The answer that ended the call, the HTTP attempts it took and the values of that answer's
	 * {@code Link} headers (the System Log's paging; empty for most calls).
	 */
	record Result(OktaReply reply, int attempts, List<String> links) {
	}

	enum Kind {

		THROTTLED(true), SERVER_ERROR(true), TIMEOUT(true), IO_ERROR(true), CIRCUIT_OPEN(true), NO_PERMIT(true),
		TOKEN_UNAVAILABLE(true), REPEAT(true),

		/** A DELETE's status read got too old before the attempt could start: confirm it again, no wait. */
		STALE(true),

		/** The status read before a DELETE could not be made (it has retried on its own): wait and read again. */
		READ_FAILED(true),

		DEADLINE(false), INTERRUPTED(false), TOKEN_REJECTED(false);

		final boolean retryable;

		Kind(boolean retryable) {
			this.retryable = retryable;
		}

	}

	/** The state of one call across its attempts. */
	private static final class Call {

		final OktaRequest request;

		final Instant deadline;

		final Clock clock;

		final AtomicInteger attempts = new AtomicInteger();

		volatile OktaReply lastReply;

		volatile List<String> lastLinks = List.of();

		volatile String giveUp;

		final DeleteGuard guard;

		int confirmations;

		/** DELETE attempts that got a 5xx, a timeout or a connection error. */
		volatile int unanswered;

		BudgetPermits permits;

		Instant freshUntil;

		volatile OktaAuthorization.Credential credential;

		volatile Challenge challenge = Challenge.NONE;

		volatile boolean renewed;

		volatile boolean nonceTaken;

		Call(OktaRequest request, Instant deadline, Clock clock, BudgetPermits permits, DeleteGuard guard) {
			this.request = request;
			this.deadline = deadline;
			this.clock = clock;
			this.permits = permits;
			this.guard = guard;
		}

		Duration timeLeft() {
			Duration left = Duration.between(this.clock.instant(), this.deadline);
			return left.isNegative() ? Duration.ZERO : left;
		}

		FailedAttempt fail(Kind kind, String reason, Throwable cause) {
			return new FailedAttempt(this, kind, reason, cause);
		}

		/** {@code after N HTTP attempts: reason; last answer ...}, for the exception and the log line. */
		String outcome(FailedAttempt failure) {
			OktaReply last = this.lastReply;
			int attempts = this.attempts.get();
			StringBuilder text = new StringBuilder("after ").append(attempts)
				.append((attempts == 1) ? " HTTP attempt: " : " HTTP attempts: ")
				.append(failure.reason);
			if (last != null && !failure.reason.contains(last.describe())) {
				text.append("; last answer ").append(last.describe());
			}
			return text.toString();
		}

		OktaException.Unavailable unavailable(FailedAttempt failure) {
			OktaReply last = this.lastReply;
			return new OktaException.Unavailable(
					"Okta " + this.request.operation() + " " + this.request.subject() + " failed " + outcome(failure),
					(last != null) ? last.status() : 0, (last != null) ? last.error().errorCode() : null,
					(last != null) ? last.error().errorId() : null, this.attempts.get(), failure.getCause());
		}

	}

	/** One attempt that did not produce a final answer; {@link Kind#retryable} says whether Retry tries again. */
	static final class FailedAttempt extends RuntimeException {

		private final transient Call call;

		final Kind kind;

		final String reason;

		private FailedAttempt(Call call, Kind kind, String reason, Throwable cause) {
			super(kind + ": " + reason, cause, false, false);
			this.call = call;
			this.kind = kind;
			this.reason = reason;
		}

	}

	/** An answer that asks for the call to be repeated with a renewed credential; not counted by the circuit. */
	private static final class RepeatAnswer extends RuntimeException {

		RepeatAnswer(String reason) {
			super(reason, null, false, false);
		}

	}

	/** A 429 or 5xx answer, thrown inside the circuit breaker so it can count it. */
	private static final class RetryableAnswer extends RuntimeException {

		private final transient OktaReply reply;

		RetryableAnswer(OktaReply reply) {
			super(reply.describe(), null, false, false);
			this.reply = reply;
		}

	}

}
