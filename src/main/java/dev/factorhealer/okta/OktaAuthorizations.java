package dev.factorhealer.okta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Builds the {@link OktaAuthorization} the settings ask for, and the start-up check of a
 * service app. The token endpoint gets its own small budget, {@value #TOKEN_PERMITS}
 * requests per {@link #TOKEN_PERIOD} ({@code okta-token} in resilience4j's meters): a
 * healthy service asks about once every 48 minutes, so the budget only stops a loop from
 * hammering Okta.
 */
final class OktaAuthorizations {

	private static final Logger log = LoggerFactory.getLogger(OktaAuthorizations.class);

	static final String TOKEN_BUCKET = "okta-token";

	static final int TOKEN_PERMITS = 4;

	static final Duration TOKEN_PERIOD = Duration.ofSeconds(10);

	/** How long the start-up check tries when the token endpoint is unavailable. */
	static final Duration STARTUP_CHECK_FOR = Duration.ofSeconds(30);

	private OktaAuthorizations() {
	}

	static OktaAuthorization create(OktaClientProperties client, OktaPolicyProperties policy, OktaResilience resilience,
			MeterRegistry registry, JsonMapper mapper, Clock clock) {
		if (client.authorizationMode() == OktaAuthorizationMode.SSWS) {
			return new SswsAuthorization(client.token());
		}
		ServiceAppKey key;
		try {
			key = ServiceAppKey.read(client.privateKey(), client.kid());
		}
		catch (IllegalArgumentException ex) {
			// never the value: it may be the key itself
			throw new InvalidConfigurationPropertyValueException("okta.client.private-key", "(hidden)",
					ex.getMessage());
		}
		DpopProofs dpop = client.dpop() ? new DpopProofs(clock) : null;
		RateLimiter budget = resilience.rateLimiters.rateLimiter(TOKEN_BUCKET,
				RateLimiterConfig.custom()
					.limitForPeriod(TOKEN_PERMITS)
					.limitRefreshPeriod(TOKEN_PERIOD)
					.timeoutDuration(TOKEN_PERIOD)
					.writableStackTraceEnabled(false)
					.build());
		ClientAssertion assertion = new ClientAssertion(client.clientId(), AccessTokens.tokenUrl(client.orgUrl()), key,
				clock);
		AccessTokens tokens = new AccessTokens(client.orgUrl(), client.clientId(), client.scopeList(),
				OktaConfiguration.restClient(client, policy), assertion, dpop, budget, mapper, clock, registry);
		return new ServiceAppAuthorization(client.clientId(), tokens, dpop);
	}

	/**
	 * Fetches the first token; a refusal stops the start at once with its reason, an
	 * unavailable token endpoint is tried again for up to {@link #STARTUP_CHECK_FOR}.
	 * @throws OktaStartupCheckFailed naming the setting or grant to fix
	 */
	static void verifyAtStartUp(ServiceAppAuthorization authorization, OktaClientProperties client) {
		Instant giveUp = Instant.now().plus(STARTUP_CHECK_FOR);
		long backoff = 500;
		while (true) {
			try {
				authorization.verify();
				log.info("Okta start-up check: {} got an access token with scopes {}", authorization.describe(),
						client.scopeList());
				return;
			}
			catch (OktaTokenException ex) {
				if (!ex.isTransient() || Instant.now().plusMillis(backoff).isAfter(giveUp)) {
					throw new OktaStartupCheckFailed("Okta start-up check failed for " + authorization.describe()
							+ " at " + client.orgUrl() + ": " + ex.getMessage(), ex);
				}
				log.warn("Okta start-up check: {}; trying again in {} ms", ex.getMessage(), backoff);
				try {
					Thread.sleep(backoff);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw new OktaStartupCheckFailed("Okta start-up check interrupted", ex);
				}
				backoff = Math.min(backoff * 2, 5000);
			}
		}
	}

	/** The service app cannot get a token: the service must not start. */
	static final class OktaStartupCheckFailed extends IllegalStateException {

		OktaStartupCheckFailed(String message, OktaTokenException cause) {
			super(message, cause);
		}

	}

}
