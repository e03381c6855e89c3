package dev.factorhealer.okta;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;

import dev.factorhealer.okta.OktaHttp.OktaRequest;
import dev.factorhealer.okta.OktaHttp.Result;

/**
 * What the set-up commands do with Okta: manage the event hook with a credential that
 * asks only for {@code okta.eventHooks.manage}, and the Okta checks of {@code doctor},
 * made with exactly the credential and scopes the service uses.
 */
public final class OktaSetup {

	/** The scope of the set-up commands; the service never asks for it. */
	public static final String HOOKS_SCOPE = "okta.eventHooks.manage";

	/**
	 * A user id no org has: listing its factors shows whether the call is authorized
	 * (404) or not (401/403).
	 */
	static final String PROBE_USER = "00uhealerdoctorprobe";

	private static final Duration CALL_TIME = Duration.ofSeconds(20);

	private final OktaClientProperties client;

	private final OktaPolicyProperties policy;

	private final int logsBudget;

	private final OktaAuthorization service;

	private final OktaHttp factors;

	private final OktaHttp logs;

	private final OktaEventHooks hooks;

	OktaSetup(OktaClientProperties client, OktaPolicyProperties policy, MeterRegistry registry, JsonMapper mapper,
			int logsBudget, Clock clock) {
		this.client = client;
		this.policy = policy;
		this.logsBudget = logsBudget;
		OktaResilience resilience = new OktaResilience(registry);
		OktaMetrics metrics = new OktaMetrics(registry);
		this.service = OktaAuthorizations.create(client, policy, resilience, registry, mapper, clock);
		OktaAuthorization setup = (client.authorizationMode() == OktaAuthorizationMode.SSWS) ? this.service
				: OktaAuthorizations.create(client.withScopes(HOOKS_SCOPE), policy, resilience, registry, mapper,
						clock);
		this.factors = new OktaHttp(OktaConfiguration.FACTORS_BUCKET, client.orgUrl(),
				OktaConfiguration.restClient(client, policy), this.service, policy.requestsPerMinute(), policy,
				resilience, metrics, mapper, clock);
		this.logs = new OktaHttp(OktaConfiguration.LOGS_BUCKET, client.orgUrl(),
				OktaConfiguration.restClient(client, policy), this.service, Math.max(2, logsBudget), policy, resilience,
				new OktaMetrics(registry, OktaMetrics.LOGS_BUCKET), mapper, clock);
		this.hooks = new OktaEventHooksClient(new OktaHttp("okta-setup", client.orgUrl(),
				OktaConfiguration.restClient(client, policy), setup, policy.requestsPerMinute(), policy, resilience,
				new OktaMetrics(registry, "event_hooks"), mapper, clock), mapper);
	}

	/** The org's event hooks, with the set-up credential. */
	public OktaEventHooks eventHooks() {
		return this.hooks;
	}

	/** The org's URL and how calls are authorized, for the commands' first line. */
	public String describe() {
		return this.client.orgUrl() + " with " + this.service.describe();
	}

	/**
	 * The hook named {@code hookName}, if the org has one (the first, if it has several).
	 */
	public Optional<EventHook> findHook(String hookName) {
		return findHooks(hookName).stream().findFirst();
	}

	/** Every hook named {@code hookName}, in Okta's order. */
	public List<EventHook> findHooks(String hookName) {
		return this.hooks.list(deadline()).stream().filter(hook -> hookName.equals(hook.name())).toList();
	}

	/**
	 * The Okta checks: credentials, factors API, System Log, rate-limit headroom of both
	 * buckets, and the event hook named {@code hookName} (ACTIVE, VERIFIED, carrying
	 * {@code hookEventTypes}).
	 */
	public List<DoctorCheck> doctor(String hookName, List<String> hookEventTypes) {
		List<DoctorCheck> checks = new ArrayList<>();
		DoctorCheck credentials = credentials();
		if (credentials == null) {
			// an API token shows whether Okta takes it only in an answer
			Probe probe = probe("doctor_factors", this.factors,
					this.factors.uri(b -> b.pathSegment("api", "v1", "users", PROBE_USER, "factors")));
			credentials = (probe.reply != null && probe.reply.status() == 401)
					? DoctorCheck.fail("credentials",
							"Okta refused the SSWS API token (" + probe.reply.describe() + ")",
							"the API token is invalid, revoked or expired (30 days after last use): create a new one "
									+ "(okta.client.token), or use a service app")
					: DoctorCheck.ok("credentials", "Okta takes the SSWS API token (okta.client.token)");
		}
		checks.add(credentials);
		if (!credentials.ok()) {
			String skipped = "not checked: no access token";
			checks.add(DoctorCheck.fail("factors API", skipped, "fix the credentials first"));
			checks.add(DoctorCheck.fail("System Log API", skipped, "fix the credentials first"));
		}
		else {
			Probe factorsProbe = probe("doctor_factors", this.factors,
					this.factors.uri(b -> b.pathSegment("api", "v1", "users", PROBE_USER, "factors")));
			checks.add(factorsCheck(factorsProbe));
			checks.add(headroom("rate limit, factors bucket", factorsProbe, this.policy.requestsPerMinute(),
					"healer.okta.requests-per-minute (HEALER_OKTA_REQUESTSPERMINUTE)"));
			Probe logsProbe = probe("doctor_logs", this.logs,
					URI.create(this.client.orgUrl() + OktaSystemLogClient.LOGS_PATH + "?limit=1&since="
							+ Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
			checks.add(logsCheck(logsProbe));
			checks.add(headroom("rate limit, System Log bucket", logsProbe, this.logsBudget,
					"healer.systemlog.requests-per-minute (HEALER_SYSTEMLOG_REQUESTSPERMINUTE)"));
		}
		checks.add(hookCheck(hookName, hookEventTypes));
		return checks;
	}

	/**
	 * The service app's token request; {@code null} for an API token (only an answer
	 * shows whether it works).
	 */
	private DoctorCheck credentials() {
		String name = "credentials";
		if (!(this.service instanceof ServiceAppAuthorization serviceApp)) {
			return null;
		}
		try {
			AccessToken token = serviceApp.verify();
			String scopes = String.join(" ", this.client.scopeList());
			if (!this.client.scopeList().contains("okta.users.manage")) {
				return DoctorCheck.fail(name,
						"access token issued for scopes [" + scopes + "] without okta.users.manage",
						"the healer can list but not delete factors: grant okta.users.manage and add it to okta.client.scopes");
			}
			return DoctorCheck.ok(name,
					serviceApp.describe() + ": " + token.scheme() + " access token issued for scopes [" + scopes + "]");
		}
		catch (OktaTokenException ex) {
			return DoctorCheck.fail(name, ex.getMessage(), switch (ex.reason()) {
				case UNKNOWN_CLIENT -> "set okta.client.client-id to the Client ID of the service app";
				case WRONG_KEY ->
					"register the public half of okta.client.private-key with the app, or set okta.client.kid";
				case SCOPE_NOT_GRANTED -> "grant the scopes on the app's 'Okta API Scopes' tab";
				case DPOP_MISMATCH -> "make okta.client.dpop match the app's 'Require DPoP' setting";
				case REJECTED -> "check the service app in the Admin Console";
				case UNAVAILABLE -> "check that the org URL is right and Okta is reachable from here";
			});
		}
	}

	private DoctorCheck factorsCheck(Probe probe) {
		String name = "factors API";
		if (probe.failure != null) {
			return fail(name, probe.failure, "okta.users.manage",
					"an admin role that can manage users' authenticators");
		}
		int status = probe.reply.status();
		if (status == 404 || probe.reply.isSuccess()) {
			return DoctorCheck.ok(name,
					"GET /api/v1/users/{id}/factors is authorized (" + status + " for a probe user)");
		}
		return statusFail(name, probe.reply, "okta.users.manage",
				"an admin role that can manage users' authenticators");
	}

	private DoctorCheck logsCheck(Probe probe) {
		String name = "System Log API";
		if (probe.failure != null) {
			return fail(name, probe.failure, "okta.logs.read", "an admin role that can read the System Log");
		}
		if (probe.reply.isSuccess()) {
			return DoctorCheck.ok(name, "GET /api/v1/logs is authorized (" + probe.reply.status() + ")");
		}
		return statusFail(name, probe.reply, "okta.logs.read", "an admin role that can read the System Log");
	}

	private DoctorCheck statusFail(String name, OktaReply reply, String scope, String role) {
		String action = switch (reply.status()) {
			case 401 -> (this.service instanceof SswsAuthorization)
					? "the API token is invalid, revoked or expired (30 days after last use): create a new one, or use a service app"
					: "the access token was refused: check the service app";
			case 403 -> "grant the scope " + scope + " to the service app and give it " + role
					+ " (a custom admin role is the least privilege)";
			default -> "see Okta's answer";
		};
		return DoctorCheck.fail(name, "Okta answered " + reply.describe(), action);
	}

	private static DoctorCheck fail(String name, OktaException failure, String scope, String role) {
		String action = (failure instanceof OktaException.Rejected && failure.status() == 403) ? "grant the scope "
				+ scope + " to the service app (and add it to okta.client.scopes) and give it " + role
				: "check that Okta is reachable and the credentials work";
		return DoctorCheck.fail(name, failure.getMessage(), action);
	}

	private static DoctorCheck headroom(String name, Probe probe, int budget, String setting) {
		if (probe.reply == null || probe.reply.rateLimit().limit() == null) {
			return DoctorCheck.fail(name, "no X-Rate-Limit headers seen", "run doctor again once the API answers");
		}
		int limit = probe.reply.rateLimit().limit();
		Integer remaining = probe.reply.rateLimit().remaining();
		String seen = "Okta's limit " + limit + " per minute, " + remaining + " remaining now; the healer's budget "
				+ budget + " (" + (100 * budget / Math.max(1, limit)) + "% of the limit)";
		if (budget > limit) {
			return DoctorCheck.fail(name, seen,
					"lower " + setting + " below " + limit + ", with headroom for the org's other integrations");
		}
		if (remaining != null && remaining == 0) {
			return DoctorCheck.fail(name, seen,
					"the bucket is empty now: another integration uses it up; lower its use or "
							+ "raise the org's rate limit");
		}
		return DoctorCheck.ok(name, seen);
	}

	private DoctorCheck hookCheck(String hookName, List<String> eventTypes) {
		String name = "event hook '" + hookName + "'";
		Optional<EventHook> hook;
		try {
			hook = findHook(hookName);
		}
		catch (OktaException ex) {
			return DoctorCheck.fail(name, ex.getMessage(), (ex
				.status() == 401) ? "fix the credentials first" : "the set-up commands need the scope " + HOOKS_SCOPE
						+ " (the service does not): grant it to the service app, or check the hook in the Admin Console");
		}
		if (hook.isEmpty()) {
			return DoctorCheck.fail(name, "Okta has no event hook of that name",
					"run: hook create --url https://<host>/hooks/okta --name " + hookName);
		}
		EventHook found = hook.get();
		String seen = found.id() + " " + found.status() + " " + found.verificationStatus() + " -> " + found.uri() + ", "
				+ found.eventTypes().size() + " event types";
		List<String> missing = eventTypes.stream().filter(type -> !found.eventTypes().contains(type)).toList();
		if (!found.isActive() || !found.isVerified() || !missing.isEmpty()) {
			seen = seen + (missing.isEmpty() ? "" : "; missing event types " + missing);
			return DoctorCheck.fail(name, seen, "run hook create --url " + found.uri() + " --name " + hookName
					+ " again: it updates, activates and verifies the hook (the service must be reachable from Okta)");
		}
		return DoctorCheck.ok(name, seen);
	}

	private Probe probe(String operation, OktaHttp http, URI uri) {
		try {
			Result result = http.send(new OktaRequest(operation, HttpMethod.GET, uri, "doctor probe"), deadline());
			return new Probe(result.reply(), null);
		}
		catch (OktaException ex) {
			return new Probe(null, ex);
		}
	}

	private static Instant deadline() {
		return Instant.now().plus(CALL_TIME);
	}

	private record Probe(OktaReply reply, OktaException failure) {
	}

}
