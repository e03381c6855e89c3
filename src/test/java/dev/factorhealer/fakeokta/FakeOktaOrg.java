package dev.factorhealer.fakeokta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stateful fake Okta org on an OkHttp {@link MockWebServer}, for integration tests and
 * the local sandbox. It serves, over plain http on a loopback port:
 * <ul>
 * <li>{@code GET /api/v1/users/{userId}/factors} (200 array of UserFactor, 404 E0000007
 * "(User)"),</li>
 * <li>{@code GET /api/v1/users/{userId}/factors/{factorId}} (200 UserFactor, 404 E0000007
 * "(UserFactor)"),</li>
 * <li>{@code DELETE
 * /api/v1/users/{userId}/factors/{factorId}[?removeRecoveryEnrollment=true|false]} (204;
 * 404 E0000007 "(User)" / "(UserFactor)"; <b>403 E0000006</b> when the user is
 * deactivated; 400 E0000001 when removeRecoveryEnrollment is not true/false),</li>
 * <li>{@code GET /api/v1/logs?since&until&limit&filter&after} (see
 * {@link #appendLogEvent(JsonNode)}),</li>
 * <li>{@code POST /oauth2/v1/token} and OAuth access tokens on every API call
 * ({@link FakeAuthorizationServer}: service apps, DPoP, scopes per endpoint),</li>
 * <li>{@code /api/v1/eventHooks} ({@link FakeEventHooks}, with a real verification
 * GET),</li>
 * <li>any other path: 404 E0000007; a known path with another method: 405 E0000022.</li>
 * </ul>
 *
 * <p>
 * Order in which a request is handled (all under one lock, so the dispatcher threads see
 * one consistent org): (1) {@link #resetConnections} drops the connection (no state
 * change, not counted); (2) a missing or wrong {@code Authorization: SSWS <token>} gets
 * 401 E0000011, a refused access token 401 (or 400 for a bad DPoP proof) with
 * {@code WWW-Authenticate}, a token without the endpoint's scope 403 E0000006
 * {@code insufficient_scope} (none counted against the bucket); (3) rate limiting of the
 * path's bucket: a forced throttle or a used-up window gets 429 E0000047 (not counted);
 * (4) the call is now <em>accepted</em> and consumes one unit of its bucket;
 * {@link #failNext}, then {@link #failAlways}, answer their status without touching
 * state; (5) the endpoint runs; a successful DELETE may then be turned into an error or a
 * drop by {@link #deleteTakesEffectButFails}. {@link #latency} delays the headers of
 * every answer that is sent. Every answer carries {@code Date},
 * {@code X-Rate-Limit-Limit}, {@code X-Rate-Limit-Remaining}, {@code X-Rate-Limit-Reset}
 * (UTC epoch seconds, rounded UP from the exact end of the window, so a client that waits
 * until that second always finds a fresh window) and {@code X-Okta-Request-Id}.
 *
 * <p>
 * Thread-safe. Time is the system UTC clock.
 */
public final class FakeOktaOrg implements AutoCloseable {

	/**
	 * The SSWS token accepted unless another is given to {@link #start(int, String)}. Not
	 * a secret.
	 */
	public static final String DEFAULT_TOKEN = "fake-okta-test-token-00000000";

	/**
	 * Pass as status to {@link #deleteTakesEffectButFails} to drop the connection instead
	 * of answering.
	 */
	public static final int DROP_CONNECTION = RecordedCall.CONNECTION_DROPPED;

	public static final String DEMO_ANA_USER_ID = "00u1a2b3c4d5e6f7g8h9";

	public static final String DEMO_ANA_SMS_FACTOR_ID = "sms2b3c4d5e6f7g8h9i0";

	public static final String DEMO_ANA_PUSH_FACTOR_ID = "opf3c4d5e6f7g8h9i0j1";

	public static final String DEMO_LI_USER_ID = "00u9z8y7x6w5v4u3t2s1";

	public static final String DEMO_LI_SMS_FACTOR_ID = "sms8y7x6w5v4u3t2s1r0";

	public static final int DEFAULT_LIMIT = 600;

	public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

	public static final int DEFAULT_LOGS_LIMIT = 60;

	static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * When factors are created unless {@link #setFactorCreated} says otherwise: long
	 * before any failing event of the tests and the sample delivery, as for a factor
	 * stuck for months.
	 */
	public static final Instant ENROLLED_LONG_AGO = Instant.parse("2025-01-15T08:00:00Z");

	private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter OKTA_TIME = DateTimeFormatter
		.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private static final class User {

		final String id;

		final String firstName;

		final String lastName;

		final String email;

		final Instant created;

		String status = "ACTIVE";

		String recoveryPhone;

		final Map<String, FakeFactor> factors = new LinkedHashMap<>();

		User(String id, String firstName, String lastName, String email, Instant created) {
			this.id = id;
			this.firstName = firstName;
			this.lastName = lastName;
			this.email = email;
			this.created = created;
		}

	}

	private final MockWebServer server;

	private final String token;

	private final Clock clock = Clock.systemUTC();

	private final Object lock = new Object();

	// Everything below is guarded by lock.
	private final Map<String, User> users = new LinkedHashMap<>();

	private final List<RecordedCall> calls = new ArrayList<>();

	private final RateLimitWindow usersWindow = new RateLimitWindow(DEFAULT_LIMIT, DEFAULT_WINDOW);

	private final RateLimitWindow logsWindow = new RateLimitWindow(DEFAULT_LOGS_LIMIT, DEFAULT_WINDOW);

	private final FakeSystemLog systemLog = new FakeSystemLog();

	private final FakeAuthorizationServer authorizationServer = new FakeAuthorizationServer(this::url, clock, lock);

	private final FakeEventHooks eventHooks = new FakeEventHooks(lock);

	private long sequence;

	private long factorsRemoved;

	private int phoneCounter;

	private int failNextRemaining;

	private int failNextStatus;

	private int failAlwaysStatus = -1;

	private Duration pendingThrottle;

	private Duration latency = Duration.ZERO;

	private int resetsRemaining;

	private int deleteFailuresRemaining;

	private int deleteFailureStatus;

	private String pendingRawReset;

	private int activatingFailuresRemaining;

	private int activatingFailureStatus;

	private FakeOktaOrg(MockWebServer server, String token) {
		this.server = server;
		this.token = token;
	}

	// ------------------------------------------------------------------ lifecycle

	/** Starts on a random free loopback port with {@link #DEFAULT_TOKEN}. */
	public static FakeOktaOrg start() {
		return start(0);
	}

	/** Starts on the given loopback port (0 = random) with {@link #DEFAULT_TOKEN}. */
	public static FakeOktaOrg start(int port) {
		return start(port, DEFAULT_TOKEN);
	}

	/**
	 * Starts on the given loopback port (0 = random) accepting
	 * {@code Authorization: SSWS <token>}.
	 */
	public static FakeOktaOrg start(int port, String token) {
		if (token == null || token.isBlank()) {
			throw new IllegalArgumentException("token must not be blank");
		}
		MockWebServer server = new MockWebServer();
		FakeOktaOrg org = new FakeOktaOrg(server, token);
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return org.handle(request);
			}
		});
		try {
			server.start(InetAddress.getByName("127.0.0.1"), port);
		}
		catch (IOException e) {
			server.close();
			throw new UncheckedIOException("Could not start the fake Okta org on port " + port, e);
		}
		return org;
	}

	@Override
	public void close() {
		server.close();
	}

	/** Base URL, e.g. {@code http://127.0.0.1:54321}, no trailing slash. */
	public String url() {
		return "http://127.0.0.1:" + server.getPort();
	}

	public int port() {
		return server.getPort();
	}

	/** The org authorization server: service apps, access tokens, DPoP. */
	public FakeAuthorizationServer authorizationServer() {
		return authorizationServer;
	}

	/** The org's event hooks ({@code /api/v1/eventHooks}). */
	public FakeEventHooks eventHooks() {
		return eventHooks;
	}

	/** The SSWS API token this org accepts. */
	public String token() {
		return token;
	}

	// ------------------------------------------------------------------ users and
	// factors

	/** Adds an ACTIVE user (email {@code <userId>@example.com}). */
	public FakeOktaOrg addUser(String userId) {
		return addUser(userId, "Test", "User", userId + "@example.com");
	}

	/**
	 * Adds an ACTIVE user with a name and email (the email is used for email-factor
	 * profiles).
	 */
	public FakeOktaOrg addUser(String userId, String firstName, String lastName, String email) {
		requireText(userId, "userId");
		synchronized (lock) {
			if (users.containsKey(userId)) {
				throw new IllegalArgumentException("User already exists: " + userId);
			}
			users.put(userId, new User(userId, firstName, lastName, email, clock.instant()));
		}
		return this;
	}

	/** Removes a user and all its factors (later calls for it get 404 "(User)"). */
	public FakeOktaOrg removeUser(String userId) {
		synchronized (lock) {
			users.remove(userId);
		}
		return this;
	}

	/**
	 * Deactivates a user (status DEPROVISIONED): listing still works, DELETE of a factor
	 * gets 403.
	 */
	public FakeOktaOrg deactivateUser(String userId) {
		synchronized (lock) {
			requireUser(userId).status = "DEPROVISIONED";
		}
		return this;
	}

	public Optional<String> userStatus(String userId) {
		synchronized (lock) {
			return Optional.ofNullable(users.get(userId)).map(u -> u.status);
		}
	}

	/**
	 * Adds a factor. {@code factorId} may be null to generate an Okta-like id. The
	 * profile is derived from the type: sms/call get a fictional E.164
	 * {@code phoneNumber} (the first one also becomes the user's recovery phone), email
	 * gets the user's {@code email}, push a device profile.
	 * @return the factor id
	 */
	public String addFactor(String userId, String factorId, String factorType, String status) {
		return addFactor(userId, factorId, factorType, status, null);
	}

	/**
	 * As {@link #addFactor(String, String, String, String)} with an explicit profile
	 * (null = derived).
	 */
	public String addFactor(String userId, String factorId, String factorType, String status,
			Map<String, String> profile) {
		requireText(factorType, "factorType");
		requireText(status, "status");
		synchronized (lock) {
			User user = requireUser(userId);
			String id = factorId != null ? factorId : newOktaId(idPrefix(factorType));
			if (user.factors.containsKey(id)) {
				throw new IllegalArgumentException("Factor already exists: " + id);
			}
			Map<String, String> actualProfile = profile != null ? profile : defaultProfile(user, factorType);
			boolean fido = factorType.equals("webauthn") || factorType.equals("u2f");
			user.factors.put(id, new FakeFactor(id, factorType, fido ? "FIDO" : "OKTA", fido ? "FIDO" : "OKTA", status,
					ENROLLED_LONG_AGO, ENROLLED_LONG_AGO, actualProfile));
			String phone = actualProfile.get("phoneNumber");
			if (user.recoveryPhone == null && phone != null && isPhoneType(factorType)) {
				user.recoveryPhone = phone;
			}
			return id;
		}
	}

	/** Changes a factor's status (e.g. to simulate the user finishing enrollment). */
	public FakeOktaOrg setFactorStatus(String userId, String factorId, String status) {
		synchronized (lock) {
			User user = requireUser(userId);
			FakeFactor factor = user.factors.get(factorId);
			if (factor == null) {
				throw new IllegalArgumentException("No factor " + factorId + " for user " + userId);
			}
			user.factors.put(factorId, factor.withStatus(status, clock.instant()));
		}
		return this;
	}

	public Optional<String> factorStatus(String userId, String factorId) {
		synchronized (lock) {
			User user = users.get(userId);
			return user == null ? Optional.empty()
					: Optional.ofNullable(user.factors.get(factorId)).map(FakeFactor::status);
		}
	}

	/** The user's factors in enrollment order (empty if the user does not exist). */
	public List<FakeFactor> factors(String userId) {
		synchronized (lock) {
			User user = users.get(userId);
			return user == null ? List.of() : List.copyOf(user.factors.values());
		}
	}

	/**
	 * The user's recovery phone; cleared by a DELETE of its sms/call factor with
	 * removeRecoveryEnrollment=true.
	 */
	public Optional<String> recoveryPhone(String userId) {
		synchronized (lock) {
			User user = users.get(userId);
			return user == null ? Optional.empty() : Optional.ofNullable(user.recoveryPhone);
		}
	}

	/**
	 * Creates (or re-creates) the two users of the sample delivery: Ana Silva
	 * ({@value #DEMO_ANA_USER_ID}) with sms {@value #DEMO_ANA_SMS_FACTOR_ID}
	 * PENDING_ACTIVATION and an ACTIVE push factor, and Li Wei
	 * ({@value #DEMO_LI_USER_ID}) with an ACTIVE sms factor.
	 */
	public FakeOktaOrg seedDemo() {
		synchronized (lock) {
			users.remove(DEMO_ANA_USER_ID);
			users.remove(DEMO_LI_USER_ID);
			addUser(DEMO_ANA_USER_ID, "Ana", "Silva", "ana.silva@example.com");
			addFactor(DEMO_ANA_USER_ID, DEMO_ANA_SMS_FACTOR_ID, "sms", "PENDING_ACTIVATION",
					Map.of("phoneNumber", "+15555550101"));
			addFactor(DEMO_ANA_USER_ID, DEMO_ANA_PUSH_FACTOR_ID, "push", "ACTIVE");
			addUser(DEMO_LI_USER_ID, "Li", "Wei", "li.wei@example.com");
			addFactor(DEMO_LI_USER_ID, DEMO_LI_SMS_FACTOR_ID, "sms", "ACTIVE", Map.of("phoneNumber", "+15555550102"));
		}
		return this;
	}

	/**
	 * Creates n users, each with one PENDING_ACTIVATION sms factor and one ACTIVE email
	 * factor.
	 */
	public List<String> seedStuckUsers(int n) {
		List<String> ids = new ArrayList<>(n);
		synchronized (lock) {
			for (int i = 0; i < n; i++) {
				String userId = newOktaId("00u");
				addUser(userId, "Stuck", "User" + i, userId + "@example.com");
				addFactor(userId, null, "sms", "PENDING_ACTIVATION");
				addFactor(userId, null, "email", "ACTIVE");
				ids.add(userId);
			}
		}
		return ids;
	}

	/**
	 * Number of factors actually removed by DELETE calls (including those answered with a
	 * fault).
	 */
	public long factorsRemovedCount() {
		synchronized (lock) {
			return factorsRemoved;
		}
	}

	// ------------------------------------------------------------------ rate limits

	/**
	 * Limit and window of the users/factors bucket (default 600 per 60 s); starts a fresh
	 * window.
	 */
	public FakeOktaOrg rateLimit(int limit, Duration window) {
		synchronized (lock) {
			usersWindow.configure(limit, window);
		}
		return this;
	}

	/**
	 * Limit and window of the {@code /api/v1/logs} bucket (default 60 per 60 s); starts a
	 * fresh window.
	 */
	public FakeOktaOrg logsRateLimit(int limit, Duration window) {
		synchronized (lock) {
			logsWindow.configure(limit, window);
		}
		return this;
	}

	/** Forgets the current windows of both buckets (and any forced throttle). */
	public FakeOktaOrg resetRateLimitWindows() {
		synchronized (lock) {
			usersWindow.reset();
			logsWindow.reset();
		}
		return this;
	}

	// ------------------------------------------------------------------ faults

	/**
	 * The next n accepted calls answer {@code status} with an Okta-style body, without
	 * touching state.
	 */
	public FakeOktaOrg failNext(int n, int status) {
		requireStatus(status);
		synchronized (lock) {
			failNextRemaining = n;
			failNextStatus = status;
		}
		return this;
	}

	/** Every accepted call answers {@code status} until {@link #recover()}. */
	public FakeOktaOrg failAlways(int status) {
		requireStatus(status);
		synchronized (lock) {
			failAlwaysStatus = status;
		}
		return this;
	}

	/**
	 * The next authenticated call gets 429 with {@code X-Rate-Limit-Reset}
	 * {@code untilReset} in the future (rounded up to the second); further calls in the
	 * same bucket before that instant also get 429 with the same Reset.
	 */
	public FakeOktaOrg throttleNextWithReset(Duration untilReset) {
		if (untilReset == null || untilReset.isNegative() || untilReset.isZero()) {
			throw new IllegalArgumentException("untilReset must be positive");
		}
		synchronized (lock) {
			pendingThrottle = untilReset;
		}
		return this;
	}

	/**
	 * The next authenticated call gets 429 whose {@code X-Rate-Limit-Reset} is
	 * {@code rawReset} as given (e.g. milliseconds instead of seconds, a date hours
	 * ahead, garbage); the bucket's window is not touched, so the next call is served
	 * normally.
	 */
	public FakeOktaOrg throttleNextWithRawReset(String rawReset) {
		synchronized (lock) {
			pendingRawReset = Objects.requireNonNull(rawReset, "rawReset");
		}
		return this;
	}

	/**
	 * The next n DELETEs of an existing factor answer {@code status} (e.g. 503) WITHOUT
	 * removing it, and meanwhile the factor turns ACTIVE: the user finished the
	 * enrollment while our DELETE failed. A client that retries the DELETE on its old
	 * read deletes an ACTIVE factor.
	 */
	public FakeOktaOrg activateDuringFailedDelete(int n, int status) {
		requireStatus(status);
		synchronized (lock) {
			activatingFailuresRemaining = n;
			activatingFailureStatus = status;
		}
		return this;
	}

	/** Sets when a factor was created (e.g. a new enrollment started after a failure). */
	public FakeOktaOrg setFactorCreated(String userId, String factorId, Instant created) {
		synchronized (lock) {
			User user = requireUser(userId);
			FakeFactor factor = user.factors.get(factorId);
			if (factor == null) {
				throw new IllegalArgumentException("No factor " + factorId + " for user " + userId);
			}
			user.factors.put(factorId, new FakeFactor(factor.id(), factor.factorType(), factor.provider(),
					factor.vendorName(), factor.status(), created, factor.lastUpdated(), factor.profile()));
		}
		return this;
	}

	/** Delays the headers of every answer by {@code delay}. */
	public FakeOktaOrg latency(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		synchronized (lock) {
			latency = delay;
		}
		return this;
	}

	/**
	 * The next n calls (whatever they are) get their connection dropped before any
	 * processing.
	 */
	public FakeOktaOrg resetConnections(int n) {
		synchronized (lock) {
			resetsRemaining = n;
		}
		return this;
	}

	/**
	 * The next n DELETEs that would answer 204 remove the factor but answer
	 * {@code status} (e.g. 503) instead, or drop the connection when status is
	 * {@link #DROP_CONNECTION}: a client retry then sees 404, the "404 after a successful
	 * DELETE" race.
	 */
	public FakeOktaOrg deleteTakesEffectButFails(int n, int status) {
		if (status != DROP_CONNECTION) {
			requireStatus(status);
		}
		synchronized (lock) {
			deleteFailuresRemaining = n;
			deleteFailureStatus = status;
		}
		return this;
	}

	/**
	 * Removes every fault: failNext, failAlways, throttles (pending and active), latency,
	 * resets, delete failures.
	 */
	public FakeOktaOrg recover() {
		synchronized (lock) {
			failNextRemaining = 0;
			failAlwaysStatus = -1;
			pendingThrottle = null;
			usersWindow.clearForcedThrottle();
			logsWindow.clearForcedThrottle();
			latency = Duration.ZERO;
			resetsRemaining = 0;
			deleteFailuresRemaining = 0;
			pendingRawReset = null;
			activatingFailuresRemaining = 0;
		}
		return this;
	}

	// ------------------------------------------------------------------ system log

	/**
	 * Appends a System Log event, stored exactly as given (unknown fields kept). It must
	 * be a JSON object with a non-blank string {@code uuid} (unique) and an ISO 8601
	 * {@code published}.
	 *
	 * <p>
	 * {@code GET /api/v1/logs}: ascending by {@code published}; {@code limit} default
	 * 100, values above 1000 are treated as 1000; {@code since} defaults to 7 days ago;
	 * with {@code until} the query is bounded and {@code next} appears only while more
	 * events remain; without it (polling) there is ALWAYS a
	 * {@code Link: <...>; rel="next"}, even on an empty page, carrying an opaque
	 * {@code after} cursor (plus limit and filter). {@code filter} supports
	 * {@code eventType} and {@code outcome.result} {@code eq "value"} clauses joined by
	 * {@code and} and {@code or}, with parentheses (see {@link LogFilter}); anything else
	 * gets 400 E0000031. {@code q} and {@code sortOrder=DESCENDING} get 400 E0000001.
	 * @return the event's uuid
	 */
	public String appendLogEvent(JsonNode event) {
		synchronized (lock) {
			return systemLog.append(event);
		}
	}

	public String appendLogEvent(String json) {
		return appendLogEvent(JSON.readTree(json));
	}

	public String appendLogEvent(Map<String, ?> event) {
		return appendLogEvent(JSON.<JsonNode>valueToTree(event));
	}

	/**
	 * Appends a {@code system.sms.send_factor_verify_message} FAILURE event published now
	 * whose {@code outcome.reason} is the stuck-factor error for the user. Returns its
	 * uuid.
	 */
	public String appendStuckSmsEvent(String userId) {
		ObjectNode event = JSON.createObjectNode();
		String uuid = UUID.randomUUID().toString();
		event.put("uuid", uuid);
		event.put("published", OKTA_TIME.format(clock.instant()));
		event.put("eventType", "system.sms.send_factor_verify_message");
		event.put("version", "0");
		event.put("severity", "ERROR");
		event.put("displayMessage", "Send SMS verification message");
		ObjectNode actor = event.putObject("actor");
		String email;
		String displayName;
		synchronized (lock) {
			User user = users.get(userId);
			email = user == null ? userId + "@example.com" : user.email;
			displayName = user == null ? "Unknown User" : user.firstName + " " + user.lastName;
		}
		actor.put("id", userId).put("type", "User").put("alternateId", email).put("displayName", displayName);
		event.putObject("outcome")
			.put("result", "FAILURE")
			.put("reason", "Not found: Resource not found: " + userId + " (UserFactor)");
		event.putArray("target")
			.addObject()
			.put("id", userId)
			.put("type", "User")
			.put("alternateId", email)
			.put("displayName", displayName);
		event.putObject("debugContext").putObject("debugData").put("requestUri", "/api/v1/authn/factors/verify");
		return appendLogEvent(event);
	}

	/** Copies of all stored events, ascending by published. */
	public List<JsonNode> logEvents() {
		synchronized (lock) {
			return List.copyOf(systemLog.events());
		}
	}

	public FakeOktaOrg clearLogEvents() {
		synchronized (lock) {
			systemLog.clear();
		}
		return this;
	}

	// ------------------------------------------------------------------ call log

	/** Every request received, in arrival order. */
	public List<RecordedCall> calls() {
		synchronized (lock) {
			return List.copyOf(calls);
		}
	}

	public FakeOktaOrg clearCalls() {
		synchronized (lock) {
			calls.clear();
		}
		return this;
	}

	/** All DELETE requests received (whatever their answer). */
	public List<RecordedCall> deletes() {
		return calls().stream().filter(c -> c.method().equals("DELETE")).toList();
	}

	public long deleteCount() {
		return deletes().size();
	}

	/** Calls answered 429. */
	public long throttledCount() {
		return calls().stream().filter(RecordedCall::throttled).count();
	}

	/**
	 * The most accepted calls (those that consumed rate-limit budget, any bucket) that
	 * fell in any half-open interval {@code [t, t + window)}.
	 */
	public int maxCallsInAnySlidingWindow(Duration window) {
		return maxCallsInAnySlidingWindow(window, RecordedCall::accepted);
	}

	/**
	 * As {@link #maxCallsInAnySlidingWindow(Duration)} over the calls matching
	 * {@code which}.
	 */
	public int maxCallsInAnySlidingWindow(Duration window, Predicate<RecordedCall> which) {
		List<Instant> times = calls().stream().filter(which).map(RecordedCall::receivedAt).toList();
		return maxInSlidingWindow(times, window);
	}

	static int maxInSlidingWindow(List<Instant> instants, Duration window) {
		if (window == null || window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("window must be positive");
		}
		List<Instant> sorted = instants.stream().sorted(Comparator.naturalOrder()).toList();
		int best = 0;
		int first = 0;
		for (int last = 0; last < sorted.size(); last++) {
			while (!sorted.get(last).isBefore(sorted.get(first).plus(window))) {
				first++;
			}
			best = Math.max(best, last - first + 1);
		}
		return best;
	}

	// ------------------------------------------------------------------ dispatch

	private MockResponse handle(RecordedRequest request) {
		HttpUrl url = request.getUrl();
		String method = request.getMethod() == null ? "" : request.getMethod();
		String authorization = request.getHeaders().get("Authorization");
		boolean authPresent = authorization != null;
		List<String> segments = url.pathSegments();
		RateLimitBucket bucket = isLogsPath(segments) ? RateLimitBucket.LOGS : RateLimitBucket.USERS;
		Map<String, List<String>> queryParameters = new LinkedHashMap<>();
		for (String name : url.queryParameterNames()) {
			queryParameters.put(name, List.copyOf(nonNull(url.queryParameterValues(name))));
		}

		synchronized (lock) {
			Instant now = clock.instant();
			Exchange exchange = new Exchange(now, bucket == RateLimitBucket.LOGS ? logsWindow : usersWindow);
			exchange.body = request.getBody() == null ? "" : request.getBody().utf8();
			if (FakeAuthorizationServer.TOKEN_PATH.equals(url.encodedPath())) {
				return tokenEndpoint(request, exchange, method, url, queryParameters, authPresent);
			}
			FakeAuthorizationServer.Refusal auth = authorizationServer.check(authorization,
					request.getHeaders().get("DPoP"), method, url, token);
			boolean authValid = auth == null;
			MockResponse response;
			try {
				response = decide(exchange, method, url, segments, auth);
			}
			catch (RuntimeException e) {
				exchange.status = 500;
				exchange.fault = RecordedCall.Fault.NONE;
				response = error(exchange,
						new OktaError(500, OktaError.INTERNAL, "Internal Server Error", List.of("Fake org bug: " + e)));
			}
			calls.add(new RecordedCall(++sequence, now, method, url.encodedPath(), url.encodedQuery(), queryParameters,
					exchange.status, authPresent, authValid, bucket, exchange.accepted, exchange.fault));
			return response;
		}
	}

	/** Mutable per-request bookkeeping, used only under the lock. */
	private static final class Exchange {

		final Instant now;

		final RateLimitWindow window;

		RateLimitWindow.Snapshot rate;

		int status;

		boolean accepted;

		RecordedCall.Fault fault = RecordedCall.Fault.NONE;

		String body = "";

		Exchange(Instant now, RateLimitWindow window) {
			this.now = now;
			this.window = window;
		}

	}

	private MockResponse decide(Exchange ex, String method, HttpUrl url, List<String> segments,
			FakeAuthorizationServer.Refusal auth) {
		if (resetsRemaining > 0) {
			resetsRemaining--;
			ex.fault = RecordedCall.Fault.CONNECTION_RESET;
			return dropConnection(ex);
		}
		if (auth != null) {
			ex.rate = ex.window.peek(ex.now);
			MockResponse.Builder rejected = error(ex, auth.error()).newBuilder();
			if (auth.wwwAuthenticate() != null) {
				rejected.setHeader("WWW-Authenticate", auth.wwwAuthenticate());
			}
			if (auth.dpopNonce() != null) {
				rejected.setHeader("DPoP-Nonce", auth.dpopNonce());
			}
			return rejected.build();
		}
		if (pendingThrottle != null) {
			ex.window.forceThrottleUntil(ex.now.plus(pendingThrottle));
			pendingThrottle = null;
		}
		if (pendingRawReset != null) {
			String rawReset = pendingRawReset;
			pendingRawReset = null;
			ex.rate = ex.window.peek(ex.now);
			ex.fault = RecordedCall.Fault.FORCED_THROTTLE;
			return error(ex, OktaError.rateLimited()).newBuilder().setHeader("X-Rate-Limit-Reset", rawReset).build();
		}
		ex.rate = ex.window.acquire(ex.now);
		if (!ex.rate.allowed()) {
			ex.fault = ex.rate.forced() ? RecordedCall.Fault.FORCED_THROTTLE : RecordedCall.Fault.RATE_LIMITED;
			return error(ex, OktaError.rateLimited());
		}
		ex.accepted = true;
		if (failNextRemaining > 0) {
			failNextRemaining--;
			ex.fault = RecordedCall.Fault.FAIL_NEXT;
			return error(ex, OktaError.forStatus(failNextStatus));
		}
		if (failAlwaysStatus > 0) {
			ex.fault = RecordedCall.Fault.FAIL_ALWAYS;
			return error(ex, OktaError.forStatus(failAlwaysStatus));
		}
		return route(ex, method, url, segments);
	}

	private MockResponse tokenEndpoint(RecordedRequest request, Exchange ex, String method, HttpUrl url,
			Map<String, List<String>> queryParameters, boolean authPresent) {
		String body = request.getBody() == null ? "" : request.getBody().utf8();
		FakeAuthorizationServer.Answer answer = authorizationServer.token(method,
				request.getHeaders().get("Content-Type"), body, request.getHeaders().get("DPoP"));
		MockResponse.Builder builder = new MockResponse.Builder().code(answer.status())
			.setHeader("Date", HTTP_DATE.format(ex.now))
			.body(answer.body());
		answer.headers().forEach(builder::setHeader);
		calls.add(new RecordedCall(++sequence, ex.now, method, url.encodedPath(), url.encodedQuery(), queryParameters,
				answer.status(), authPresent, answer.status() == 200, RateLimitBucket.USERS, false,
				RecordedCall.Fault.NONE));
		return builder.build();
	}

	private MockResponse route(Exchange ex, String method, HttpUrl url, List<String> segments) {
		int size = segments.size();
		boolean usersFactors = size >= 5 && segments.get(0).equals("api") && segments.get(1).equals("v1")
				&& segments.get(2).equals("users") && !segments.get(3).isEmpty() && segments.get(4).equals("factors");
		if (usersFactors && size == 5) {
			return method.equals("GET") ? listFactors(ex, segments.get(3)) : methodNotAllowed(ex, "GET");
		}
		if (usersFactors && size == 6 && !segments.get(5).isEmpty()) {
			return switch (method) {
				case "GET" -> getFactor(ex, segments.get(3), segments.get(5));
				case "DELETE" -> deleteFactor(ex, segments.get(3), segments.get(5), url);
				default -> methodNotAllowed(ex, "GET, DELETE");
			};
		}
		if (isLogsPath(segments)) {
			return method.equals("GET") ? logs(ex, url) : methodNotAllowed(ex, "GET");
		}
		if (FakeEventHooks.handles(segments)) {
			FakeEventHooks.Reply reply = eventHooks.handle(method, segments, ex.body, url());
			if (reply.error() != null) {
				return error(ex, reply.error());
			}
			ex.status = reply.status();
			return reply.body() == null ? base(ex, reply.status()).build() : json(ex, reply.status(), reply.body());
		}
		return error(ex, OktaError.of(404, OktaError.NOT_FOUND, "Not found: Resource not found: " + url.encodedPath()));
	}

	private MockResponse listFactors(Exchange ex, String userId) {
		User user = users.get(userId);
		if (user == null) {
			return error(ex, OktaError.notFound(userId, "User"));
		}
		ArrayNode array = JSON.createArrayNode();
		for (FakeFactor factor : user.factors.values()) {
			array.add(factorJson(userId, factor));
		}
		return json(ex, 200, JSON.writeValueAsString(array));
	}

	private MockResponse getFactor(Exchange ex, String userId, String factorId) {
		User user = users.get(userId);
		if (user == null) {
			return error(ex, OktaError.notFound(userId, "User"));
		}
		FakeFactor factor = user.factors.get(factorId);
		if (factor == null) {
			return error(ex, OktaError.notFound(factorId, "UserFactor"));
		}
		return json(ex, 200, JSON.writeValueAsString(factorJson(userId, factor)));
	}

	private MockResponse deleteFactor(Exchange ex, String userId, String factorId, HttpUrl url) {
		User user = users.get(userId);
		if (user == null) {
			return error(ex, OktaError.notFound(userId, "User"));
		}
		if (!user.status.equals("ACTIVE")) {
			return error(ex, OktaError.of(403, OktaError.FORBIDDEN,
					"You do not have permission to perform the requested action"));
		}
		FakeFactor factor = user.factors.get(factorId);
		if (factor == null) {
			return error(ex, OktaError.notFound(factorId, "UserFactor"));
		}
		String rre = url.queryParameter("removeRecoveryEnrollment");
		if (rre != null && !rre.equalsIgnoreCase("true") && !rre.equalsIgnoreCase("false")) {
			return error(ex, OktaError.validation("removeRecoveryEnrollment", "must be true or false"));
		}
		if (activatingFailuresRemaining > 0) {
			activatingFailuresRemaining--;
			user.factors.put(factorId, factor.withStatus("ACTIVE", ex.now));
			ex.fault = RecordedCall.Fault.FAIL_NEXT;
			return error(ex, OktaError.forStatus(activatingFailureStatus));
		}
		user.factors.remove(factorId);
		factorsRemoved++;
		if ("true".equalsIgnoreCase(rre) && isPhoneType(factor.factorType())
				&& Objects.equals(user.recoveryPhone, factor.profile().get("phoneNumber"))) {
			user.recoveryPhone = null;
		}
		if (deleteFailuresRemaining > 0) {
			deleteFailuresRemaining--;
			ex.fault = RecordedCall.Fault.DELETE_TOOK_EFFECT_BUT_FAILED;
			return deleteFailureStatus == DROP_CONNECTION ? dropConnection(ex)
					: error(ex, OktaError.forStatus(deleteFailureStatus));
		}
		ex.status = 204;
		return base(ex, 204).build();
	}

	private MockResponse logs(Exchange ex, HttpUrl url) {
		FakeSystemLog.Page page;
		try {
			page = systemLog.query(url, url(), ex.now);
		}
		catch (FakeSystemLog.QueryException e) {
			return error(ex, e.error);
		}
		ArrayNode array = JSON.createArrayNode();
		page.events().forEach(array::add);
		MockResponse.Builder builder = base(ex, 200).setHeader("Content-Type", "application/json")
			.addHeader("Link", "<" + page.selfUrl() + ">; rel=\"self\"");
		if (page.nextUrl() != null) {
			builder.addHeader("Link", "<" + page.nextUrl() + ">; rel=\"next\"");
		}
		ex.status = 200;
		return builder.body(JSON.writeValueAsString(array)).build();
	}

	private MockResponse methodNotAllowed(Exchange ex, String allow) {
		MockResponse response = error(ex, OktaError.forStatus(405));
		return response.newBuilder().setHeader("Allow", allow).build();
	}

	// ------------------------------------------------------------------ responses

	private MockResponse.Builder base(Exchange ex, int status) {
		RateLimitWindow.Snapshot rate = ex.rate != null ? ex.rate : ex.window.peek(ex.now);
		MockResponse.Builder builder = new MockResponse.Builder().code(status)
			.setHeader("Date", HTTP_DATE.format(ex.now))
			.setHeader("X-Rate-Limit-Limit", Integer.toString(rate.limit()))
			.setHeader("X-Rate-Limit-Remaining", Integer.toString(rate.remaining()))
			.setHeader("X-Rate-Limit-Reset", Long.toString(rate.resetEpochSeconds()))
			.setHeader("X-Okta-Request-Id", OktaError.randomAlphanumeric(27));
		if (!latency.isZero()) {
			builder.headersDelay(latency.toNanos(), TimeUnit.NANOSECONDS);
		}
		return builder;
	}

	private MockResponse json(Exchange ex, int status, String body) {
		ex.status = status;
		return base(ex, status).setHeader("Content-Type", "application/json").body(body).build();
	}

	private MockResponse error(Exchange ex, OktaError error) {
		return json(ex, error.status(), error.toJson());
	}

	private MockResponse dropConnection(Exchange ex) {
		ex.status = RecordedCall.CONNECTION_DROPPED;
		return new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
	}

	private ObjectNode factorJson(String userId, FakeFactor factor) {
		ObjectNode node = JSON.createObjectNode();
		node.put("id", factor.id());
		node.put("factorType", factor.factorType());
		node.put("provider", factor.provider());
		node.put("vendorName", factor.vendorName());
		node.put("status", factor.status());
		node.put("created", OKTA_TIME.format(factor.created()));
		node.put("lastUpdated", OKTA_TIME.format(factor.lastUpdated()));
		ObjectNode profile = node.putObject("profile");
		factor.profile().forEach(profile::put);
		String userHref = url() + "/api/v1/users/" + userId;
		String self = userHref + "/factors/" + factor.id();
		ObjectNode links = node.putObject("_links");
		link(links, "self", self, "GET", "DELETE");
		if (factor.status().equals("PENDING_ACTIVATION")) {
			link(links, "activate", self + "/lifecycle/activate", "POST");
			if (isPhoneType(factor.factorType())) {
				ObjectNode resend = links.putArray("resend").addObject();
				resend.put("name", factor.factorType());
				resend.put("href", self + "/resend");
				resend.putObject("hints").putArray("allow").add("POST");
			}
		}
		else if (factor.status().equals("ACTIVE")) {
			link(links, "verify", self + "/verify", "POST");
		}
		link(links, "user", userHref, "GET");
		return node;
	}

	private static void link(ObjectNode links, String rel, String href, String... allow) {
		ObjectNode link = links.putObject(rel);
		link.put("href", href);
		ArrayNode allowed = link.putObject("hints").putArray("allow");
		for (String method : allow) {
			allowed.add(method);
		}
	}

	// ------------------------------------------------------------------ helpers

	private static boolean isLogsPath(List<String> segments) {
		return segments.size() == 3 && segments.get(0).equals("api") && segments.get(1).equals("v1")
				&& segments.get(2).equals("logs");
	}

	private static boolean isPhoneType(String factorType) {
		return factorType.equals("sms") || factorType.equals("call");
	}

	private Map<String, String> defaultProfile(User user, String factorType) {
		return switch (factorType) {
			case "sms", "call" ->
				Map.of("phoneNumber", String.format(Locale.ROOT, "+1555555%04d", 1000 + phoneCounter++ % 9000));
			case "email" -> Map.of("email", user.email);
			case "push" -> Map.of("credentialId", user.email, "deviceType", "SmartPhone_IPhone", "name", "Fake iPhone",
					"platform", "IOS", "version", "17.5");
			case "token:software:totp" -> Map.of("credentialId", user.email);
			case "question" ->
				Map.of("question", "disliked_food", "questionText", "What is the food you least liked as a child?");
			default -> Map.of();
		};
	}

	private static String idPrefix(String factorType) {
		return switch (factorType) {
			case "sms" -> "sms";
			case "call" -> "clf";
			case "email" -> "emf";
			case "push" -> "opf";
			case "question" -> "ufs";
			case "token:software:totp" -> "ost";
			case "webauthn" -> "fwf";
			default -> "fac";
		};
	}

	private static String newOktaId(String prefix) {
		return prefix + OktaError.randomAlphanumeric(20 - prefix.length());
	}

	private User requireUser(String userId) {
		User user = users.get(userId);
		if (user == null) {
			throw new IllegalArgumentException("No such user: " + userId);
		}
		return user;
	}

	private static void requireText(String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
	}

	private static void requireStatus(int status) {
		if (status < 400 || status > 599) {
			throw new IllegalArgumentException("status must be a 4xx or 5xx code: " + status);
		}
	}

	private static <T> List<T> nonNull(List<T> values) {
		return values.stream().filter(Objects::nonNull).toList();
	}

	@Override
	public String toString() {
		return "FakeOktaOrg[" + url() + "]";
	}

}
