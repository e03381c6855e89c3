package dev.factorhealer.okta;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.factorhealer.fakeokta.FakeOktaOrg;

/**
 * The real client, built without a Spring context, against a {@link FakeOktaOrg}: short
 * budgets and backoffs so that tests run in seconds, every other setting bound exactly as
 * the service binds it (defaults included).
 */
final class OktaClientFixture {

	/**
	 * A DELETE guard that trusts the caller's read for as long as the call lasts: the
	 * client tests test the client, not the remediation's read rule.
	 */
	static final DeleteGuard TRUSTING = (attempt, unanswered) -> new DeleteGuard.Check(Instant.MAX, null);

	/**
	 * Fast settings: 6000 calls per minute (a permit every 10 ms), short backoffs, no
	 * circuit trips.
	 */
	static final Map<String, String> FAST = Map.of("requests-per-minute", "6000", "initial-backoff", "20ms",
			"max-backoff", "100ms", "connect-timeout", "1s", "read-timeout", "2s", "circuit-window", "100",
			"permit-timeout", "5s");

	final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

	final OktaPolicyProperties policy;

	final OktaHttp http;

	final OktaFactors okta;

	final OktaResilience resilience = new OktaResilience(this.registry);

	final OktaAuthorization authorization;

	private OktaClientFixture(String url, String token, Map<String, String> settings) {
		this(new OktaClientProperties(URI.create(url), token), settings);
	}

	private OktaClientFixture(OktaClientProperties client, Map<String, String> settings) {
		this.policy = policy(settings);
		JsonMapper mapper = JsonMapper.builder().build();
		this.authorization = OktaAuthorizations.create(client, this.policy, this.resilience, this.registry, mapper,
				Clock.systemUTC());
		this.http = new OktaHttp(OktaConfiguration.FACTORS_BUCKET, client.orgUrl(),
				OktaConfiguration.restClient(client, this.policy), this.authorization, this.policy.requestsPerMinute(),
				this.policy, this.resilience, new OktaMetrics(this.registry), mapper, Clock.systemUTC());
		this.okta = new OktaFactorsClient(this.http, mapper, this.policy.removeRecoveryEnrollment());
	}

	static OktaClientFixture against(FakeOktaOrg org) {
		return against(org, Map.of());
	}

	/**
	 * {@link #FAST} settings overridden by {@code settings} (names below
	 * {@code healer.okta}).
	 */
	static OktaClientFixture against(FakeOktaOrg org, Map<String, String> settings) {
		return new OktaClientFixture(org.url(), org.token(), merged(settings));
	}

	/**
	 * PrivateKey mode: {@code clientSettings} are the {@code okta.client.*} settings
	 * (full names).
	 */
	static OktaClientFixture serviceApp(Map<String, String> clientSettings, Map<String, String> settings) {
		OktaClientProperties client = new Binder(new MapConfigurationPropertySource(clientSettings))
			.bindOrCreate("okta.client", OktaClientProperties.class);
		return new OktaClientFixture(client, merged(settings));
	}

	/** A System Log client on its own bucket, with this fixture's authorization. */
	OktaSystemLog systemLog(String url) {
		JsonMapper mapper = JsonMapper.builder().build();
		OktaHttp logs = new OktaHttp(OktaConfiguration.LOGS_BUCKET, URI.create(url),
				OktaConfiguration.restClient(new OktaClientProperties(URI.create(url), "unused"), this.policy),
				this.authorization, this.policy.requestsPerMinute(), this.policy, this.resilience,
				new OktaMetrics(this.registry, OktaMetrics.LOGS_BUCKET), mapper, Clock.systemUTC(),
				OktaConfiguration.MAX_LOG_PAGE_BYTES);
		return new OktaSystemLogClient(logs, URI.create(url), mapper, OktaConfiguration.MAX_LOG_PAGE_BYTES);
	}

	double counter(String name, String... tags) {
		io.micrometer.core.instrument.Counter counter = this.registry.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	static OktaClientFixture withToken(FakeOktaOrg org, String token) {
		return new OktaClientFixture(org.url(), token, merged(Map.of()));
	}

	static OktaPolicyProperties policy(Map<String, String> settings) {
		Map<String, String> prefixed = new HashMap<>();
		settings.forEach((name, value) -> prefixed.put("healer.okta." + name, value));
		return new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate("healer.okta",
				OktaPolicyProperties.class);
	}

	static Instant in(Duration duration) {
		return Instant.now().plus(duration);
	}

	double timerCount(String operation, String status) {
		io.micrometer.core.instrument.Timer timer = this.registry.find(OktaMetrics.REQUESTS)
			.tags("operation", operation, "status", status)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static Map<String, String> merged(Map<String, String> settings) {
		Map<String, String> all = new HashMap<>(FAST);
		all.putAll(settings);
		return all;
	}

}
