package dev.factorhealer.okta;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.factorhealer.okta.OktaTokenException.Reason;

/**
 * The service app's access token: fetched from {@code {org}/oauth2/v1/token} by client
 * credentials with a {@code private_key_jwt} assertion (and a DPoP proof when on),
 * cached, and renewed at 80 % of its life. Single flight: one thread asks, the others
 * wait for its answer. A {@code 400 use_dpop_nonce} is answered by one more request with
 * the nonce. Token requests take a permit of their own small budget ({@code okta-token}:
 * the endpoint is rate limited too) and are counted in
 * {@code healer_okta_token_requests_total{result}}. A failed renewal keeps using the
 * current token while it is still valid.
 */
final class AccessTokens {

	private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);

	static final String REQUESTS = "healer.okta.token.requests";

	static final String TOKEN_PATH = "/oauth2/v1/token";

	/** A token this close to its expiry is not sent any more. */
	static final Duration EXPIRY_MARGIN = Duration.ofSeconds(5);

	private static final int MAX_DESCRIPTION = 200;

	private final URI tokenUrl;

	private final String clientId;

	private final List<String> scopes;

	private final RestClient client;

	private final ClientAssertion assertion;

	private final DpopProofs dpop;

	private final RateLimiter budget;

	private final JsonMapper mapper;

	private final Clock clock;

	private final MeterRegistry registry;

	private final Map<TokenResult, Counter> counters = new ConcurrentHashMap<>();

	private final Object flight = new Object();

	private volatile AccessToken current;

	private volatile String nonce;

	/**
	 * @param dpop the proof factory, {@code null} when DPoP is off
	 */
	AccessTokens(URI orgUrl, String clientId, List<String> scopes, RestClient client, ClientAssertion assertion,
			DpopProofs dpop, RateLimiter budget, JsonMapper mapper, Clock clock, MeterRegistry registry) {
		this.tokenUrl = tokenUrl(orgUrl);
		this.clientId = clientId;
		this.scopes = List.copyOf(scopes);
		this.client = client;
		this.assertion = assertion;
		this.dpop = dpop;
		this.budget = budget;
		this.mapper = mapper;
		this.clock = clock;
		this.registry = registry;
		for (TokenResult result : TokenResult.values()) {
			counter(result);
		}
	}

	static URI tokenUrl(URI orgUrl) {
		return URI.create(orgUrl + TOKEN_PATH);
	}

	/**
	 * A token that is not due for renewal; fetches one when needed.
	 * @throws OktaTokenException when none could be had (and the current one, if any, has
	 * expired)
	 */
	AccessToken token() {
		AccessToken token = this.current;
		if (token != null && this.clock.instant().isBefore(token.renewAt())) {
			return token;
		}
		synchronized (this.flight) {
			token = this.current;
			Instant now = this.clock.instant();
			if (token != null && now.isBefore(token.renewAt())) {
				return token;
			}
			try {
				AccessToken fresh = fetch();
				this.current = fresh;
				return fresh;
			}
			catch (OktaTokenException ex) {
				if (token != null && ex.isTransient() && now.isBefore(token.expiresAt().minus(EXPIRY_MARGIN))) {
					log.warn(
							"Okta token renewal for service app {} failed ({}); the current token stays in use until {}",
							this.clientId, ex.getMessage(), token.expiresAt());
					return token;
				}
				throw ex;
			}
		}
	}

	/**
	 * Forgets {@code stale} (a 401 answered it): the next {@link #token()} asks for a new
	 * one.
	 */
	void renew(AccessToken stale) {
		synchronized (this.flight) {
			if (this.current == stale) {
				this.current = null;
				log.info("Okta answered 401 to the access token of service app {}; asking for a new one",
						this.clientId);
			}
		}
	}

	private AccessToken fetch() {
		TokenReply reply = post();
		if (reply.isNonceChallenge() && this.dpop != null) {
			count(TokenResult.USE_DPOP_NONCE);
			this.nonce = reply.dpopNonce();
			reply = post();
		}
		if (reply.status() == 200 && reply.accessToken() != null) {
			count(TokenResult.ISSUED);
			return issued(reply);
		}
		OktaTokenException failure = failure(reply);
		count(failure.isTransient() ? TokenResult.UNAVAILABLE : TokenResult.REJECTED);
		log.warn("Okta token request of service app {}: {}", this.clientId, failure.getMessage());
		throw failure;
	}

	private AccessToken issued(TokenReply reply) {
		Instant now = this.clock.instant();
		long seconds = (reply.expiresIn() > 0) ? reply.expiresIn() : 3600;
		Instant expiresAt = now.plusSeconds(seconds);
		Instant renewAt = now.plusMillis(seconds * 800);
		boolean dpopBound = "DPoP".equalsIgnoreCase(reply.tokenType());
		log.info("Okta access token issued to service app {}: {}, scopes [{}], valid {} s, renewed after {}",
				this.clientId, dpopBound ? "DPoP-bound" : "Bearer",
				(reply.scope() != null) ? reply.scope() : String.join(" ", this.scopes), seconds, renewAt);
		return new AccessToken(reply.accessToken(), dpopBound, renewAt, expiresAt);
	}

	private TokenReply post() {
		if (!this.budget.acquirePermission()) {
			count(TokenResult.NO_PERMIT);
			throw new OktaTokenException(Reason.UNAVAILABLE,
					"the token request budget is spent (" + this.budget.getRateLimiterConfig().getLimitForPeriod()
							+ " per " + this.budget.getRateLimiterConfig().getLimitRefreshPeriod().toSeconds() + " s)");
		}
		// encoded here, not by a message converter, which would describe the form (the
		// assertion) in a debug line
		byte[] form = ("grant_type=client_credentials&scope=" + encode(String.join(" ", this.scopes))
				+ "&client_assertion_type=" + encode(ClientAssertion.TYPE) + "&client_assertion="
				+ encode(this.assertion.create()))
			.getBytes(StandardCharsets.US_ASCII);
		String nonceNow = this.nonce;
		try {
			return this.client.post()
				.uri(this.tokenUrl)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.headers(headers -> {
					headers.setAccept(List.of(MediaType.APPLICATION_JSON));
					if (this.dpop != null) {
						headers.set("DPoP", this.dpop.proof("POST", this.tokenUrl, nonceNow, null));
					}
				})
				.body(form)
				.exchange((request, response) -> {
					byte[] body;
					try (InputStream in = response.getBody()) {
						body = in.readNBytes(64 * 1024);
					}
					return TokenReply.of(response.getStatusCode().value(), response.getHeaders(), body, this.mapper);
				}, true);
		}
		catch (ResourceAccessException ex) {
			boolean timeout = OktaErrors.isTimeout(ex);
			count(TokenResult.UNAVAILABLE);
			throw new OktaTokenException(Reason.UNAVAILABLE, "the token endpoint " + this.tokenUrl + " "
					+ (timeout ? "timed out" : "could not be reached (" + ex.getClass().getSimpleName() + ")"));
		}
	}

	private OktaTokenException failure(TokenReply reply) {
		String error = (reply.error() != null) ? reply.error() : "no error code";
		String said = reply.status() + " " + error
				+ ((reply.description() != null) ? " \"" + shorten(reply.description()) + "\"" : "");
		String app = "service app okta.client.client-id=" + this.clientId + " (OKTA_CLIENT_CLIENTID)";
		if (reply.status() == 429 || reply.status() >= 500 || (reply.status() == 200 && reply.accessToken() == null)) {
			return new OktaTokenException(Reason.UNAVAILABLE, "the token endpoint answered " + said);
		}
		String description = (reply.description() != null) ? reply.description().toLowerCase(java.util.Locale.ROOT)
				: "";
		return switch (error) {
			case "invalid_client" -> (description.contains("client_id") || description.contains("not found"))
					? new OktaTokenException(Reason.UNKNOWN_CLIENT,
							"unknown client id: Okta has no " + app + " (" + said
									+ "); copy the Client ID of the service app from the Admin Console")
					: new OktaTokenException(Reason.WRONG_KEY, "wrong key: Okta did not accept the client assertion of "
							+ app + " (" + said
							+ "); okta.client.private-key (OKTA_CLIENT_PRIVATEKEY) must be the private half of "
							+ "a public key registered for the app, and okta.client.kid (OKTA_CLIENT_KID) its key id when the "
							+ "app has several");
			case "invalid_scope" -> new OktaTokenException(Reason.SCOPE_NOT_GRANTED,
					"scope not granted: Okta refused the scopes [" + String.join(" ", this.scopes) + "] for " + app
							+ " (" + said + "); grant them on the app's "
							+ "'Okta API Scopes' tab or change okta.client.scopes (OKTA_CLIENT_SCOPES)");
			case "invalid_dpop_proof" -> new OktaTokenException(Reason.DPOP_MISMATCH,
					"DPoP: Okta refused the DPoP proof of " + app + " (" + said
							+ "); okta.client.dpop (OKTA_CLIENT_DPOP) must match the app's "
							+ "'Require Demonstrating Proof of Possession (DPoP)' setting");
			default ->
				new OktaTokenException(Reason.REJECTED, "Okta refused the token request of " + app + " (" + said + ")");
		};
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String shorten(String text) {
		return (text.length() > MAX_DESCRIPTION) ? text.substring(0, MAX_DESCRIPTION) + "..." : text;
	}

	private void count(TokenResult result) {
		counter(result).increment();
	}

	private Counter counter(TokenResult result) {
		return this.counters.computeIfAbsent(result,
				key -> Counter.builder(REQUESTS)
					.description("Requests to Okta's token endpoint by result")
					.tag("result", key.tag)
					.register(this.registry));
	}

	/** The {@code result} tag of {@code healer_okta_token_requests_total}. */
	enum TokenResult {

		ISSUED("issued"), USE_DPOP_NONCE("use_dpop_nonce"), REJECTED("rejected"), UNAVAILABLE("unavailable"),
		NO_PERMIT("no_permit");

		final String tag;

		TokenResult(String tag) {
			this.tag = tag;
		}

	}

}
