package dev.factorhealer.fakeokta;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import okhttp3.HttpUrl;
import tools.jackson.databind.node.ObjectNode;

/**
 * The org authorization server of the fake Okta org ({@code POST /oauth2/v1/token}) and
 * the access token check of its resource server, as Okta behaves for a service app:
 * client credentials with a {@code private_key_jwt} assertion checked against the
 * registered public key (signature, {@code iss = sub}, {@code aud}, {@code exp},
 * {@code jti} reuse), DPoP proofs checked on token requests and API calls ({@code typ},
 * signature by the embedded {@code jwk}, {@code htm}, {@code htu} without query,
 * {@code iat} window, {@code jti} reuse, {@code ath}, the token's {@code cnf.jkt}), the
 * {@code use_dpop_nonce} dance on the token endpoint (and, on demand, on the resource
 * server), token expiry, and the scopes each endpoint needs (403 E0000006 with
 * {@code WWW-Authenticate: ... error="insufficient_scope"}). Guarded by the org's lock.
 */
public final class FakeAuthorizationServer {

	public static final String TOKEN_PATH = "/oauth2/v1/token";

	/** How far a proof's {@code iat} may be from now. */
	static final Duration IAT_WINDOW = Duration.ofSeconds(60);

	static final Duration MAX_ASSERTION_LIFE = Duration.ofHours(1);

	private final Supplier<String> orgUrl;

	private final Clock clock;

	private final Object lock;

	private final Map<String, Client> clients = new HashMap<>();

	private final Map<String, IssuedToken> tokens = new HashMap<>();

	private final Set<String> assertionJtis = new HashSet<>();

	private final Set<String> proofJtis = new HashSet<>();

	private final Set<String> allIssued = new HashSet<>();

	private final Map<String, Integer> acceptedCalls = new LinkedHashMap<>();

	private Duration tokenLifetime = Duration.ofHours(1);

	private boolean issueDeadTokens;

	private String tokenNonce = newNonce();

	private String resourceNonce;

	private int tokenRequests;

	private int tokensIssued;

	private final Map<String, Integer> tokenErrors = new LinkedHashMap<>();

	FakeAuthorizationServer(Supplier<String> orgUrl, Clock clock, Object lock) {
		this.orgUrl = orgUrl;
		this.clock = clock;
		this.lock = lock;
	}

	/**
	 * A registered service app.
	 *
	 * @param clientId its client id
	 * @param publicKey the public JWK registered for it (its {@code kid}, if any, must
	 * match the assertion's)
	 * @param grantedScopes the Okta API scopes granted to it
	 * @param requireDpop the app's "Require DPoP" setting
	 */
	public record Client(String clientId, JWK publicKey, Set<String> grantedScopes, boolean requireDpop) {
	}

	record IssuedToken(String clientId, Set<String> scopes, Instant expiresAt, String jkt) {
	}

	/** What an API call's credentials amount to: {@code null} error when accepted. */
	record Verdict(Set<String> scopes, int status, String error, String description, String scheme, String nonce) {

		static Verdict accepted(Set<String> scopes) {
			return new Verdict(scopes, 0, null, null, null, null);
		}

		boolean isAccepted() {
			return this.error == null;
		}

		String wwwAuthenticate() {
			return this.scheme + " error=\"" + this.error + "\", error_description=\"" + this.description + "\"";
		}

	}

	/** An answer of the token endpoint. */
	record Answer(int status, Map<String, String> headers, String body) {
	}

	// ------------------------------------------------------------------ set-up

	/** Registers (or replaces) a service app. */
	public FakeAuthorizationServer register(Client client) {
		synchronized (this.lock) {
			this.clients.put(client.clientId(), client);
		}
		return this;
	}

	/**
	 * {@code expires_in} of the tokens issued from now on (whole seconds, at least 1).
	 */
	public FakeAuthorizationServer tokenLifetime(Duration lifetime) {
		synchronized (this.lock) {
			this.tokenLifetime = lifetime;
		}
		return this;
	}

	/** Forgets every issued token: the next API call with one gets 401 invalid_token. */
	public FakeAuthorizationServer revokeTokens() {
		synchronized (this.lock) {
			this.tokens.clear();
		}
		return this;
	}

	/**
	 * Tokens issued from now on are refused by the resource server (401 invalid_token),
	 * as if revoked at once.
	 */
	public FakeAuthorizationServer issueDeadTokens(boolean dead) {
		synchronized (this.lock) {
			this.issueDeadTokens = dead;
		}
		return this;
	}

	/**
	 * From now on API calls need the resource server's DPoP nonce (a new one) in their
	 * proofs.
	 */
	public FakeAuthorizationServer demandResourceNonce(boolean demand) {
		synchronized (this.lock) {
			this.resourceNonce = demand ? newNonce() : null;
		}
		return this;
	}

	/** The next token request with the old nonce gets {@code use_dpop_nonce} again. */
	public FakeAuthorizationServer rotateTokenNonce() {
		synchronized (this.lock) {
			this.tokenNonce = newNonce();
		}
		return this;
	}

	/** Requests received by the token endpoint. */
	public int tokenRequests() {
		synchronized (this.lock) {
			return this.tokenRequests;
		}
	}

	public int tokensIssued() {
		synchronized (this.lock) {
			return this.tokensIssued;
		}
	}

	/** Token endpoint errors answered, by OAuth {@code error}. */
	public Map<String, Integer> tokenErrors() {
		synchronized (this.lock) {
			return Map.copyOf(this.tokenErrors);
		}
	}

	/**
	 * API calls whose access token was accepted, by scheme ({@code DPoP},
	 * {@code Bearer}).
	 */
	public Map<String, Integer> acceptedCalls() {
		synchronized (this.lock) {
			return Map.copyOf(this.acceptedCalls);
		}
	}

	/** Every issued access token still known (for asserting none reaches a log line). */
	public Set<String> issuedTokenValues() {
		synchronized (this.lock) {
			return Set.copyOf(this.allIssued);
		}
	}

	// ------------------------------------------------------------------ token endpoint

	Answer token(String method, String contentType, String body, String dpopHeader) {
		this.tokenRequests++;
		Instant now = this.clock.instant();
		if (!"POST".equals(method)) {
			return oauthError(405, "invalid_request", "The token endpoint takes POST only.", null);
		}
		if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
			return oauthError(400, "invalid_request", "The request must be application/x-www-form-urlencoded.", null);
		}
		Map<String, String> form = form(body);
		if (!"client_credentials".equals(form.get("grant_type"))) {
			return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported.", null);
		}
		if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))
				|| form.get("client_assertion") == null) {
			return oauthError(401, "invalid_client", "client_assertion_type and client_assertion are required.", null);
		}
		SignedJWT assertion;
		JWTClaimsSet claims;
		try {
			assertion = SignedJWT.parse(form.get("client_assertion"));
			claims = assertion.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			return oauthError(401, "invalid_client", "The client_assertion is not a valid JWT.", null);
		}
		Client client = (claims.getSubject() != null) ? this.clients.get(claims.getSubject()) : null;
		if (client == null || !claims.getSubject().equals(claims.getIssuer())) {
			return oauthError(401, "invalid_client", "Invalid value for 'client_id' parameter.", null);
		}
		String kid = assertion.getHeader().getKeyID();
		if (kid != null && client.publicKey().getKeyID() != null && !kid.equals(client.publicKey().getKeyID())) {
			return oauthError(401, "invalid_client",
					"The client_assertion token has a kid which does not identify a key of the client.", null);
		}
		if (!verifies(assertion, client.publicKey())) {
			return oauthError(401, "invalid_client", "The client_assertion signature is invalid.", null);
		}
		if (claims.getAudience() == null || !claims.getAudience().equals(List.of(this.orgUrl.get() + TOKEN_PATH))) {
			return oauthError(401, "invalid_client",
					"The audience [aud] claim for client_assertion must be the endpoint invoked for the request.",
					null);
		}
		Date exp = claims.getExpirationTime();
		if (exp == null || !exp.toInstant().isAfter(now)
				|| exp.toInstant().isAfter(now.plus(MAX_ASSERTION_LIFE).plusSeconds(60))) {
			return oauthError(401, "invalid_client",
					"The client_assertion token is expired or lives longer than an hour.", null);
		}
		if (claims.getJWTID() == null || !this.assertionJtis.add(claims.getJWTID())) {
			return oauthError(401, "invalid_client", "The client_assertion token has already been used (jti).", null);
		}
		Set<String> requested = new LinkedHashSet<>(List.of(form.getOrDefault("scope", "").trim().split("\\s+")));
		requested.remove("");
		if (requested.isEmpty()) {
			return oauthError(400, "invalid_scope", "The authorization server requires a scope for client credentials.",
					null);
		}
		Set<String> notGranted = new LinkedHashSet<>(requested);
		notGranted.removeAll(client.grantedScopes());
		if (!notGranted.isEmpty()) {
			return oauthError(400, "invalid_scope",
					"The following scopes are not allowed: " + String.join(", ", notGranted) + ".", null);
		}
		String jkt = null;
		if (client.requireDpop()) {
			if (dpopHeader == null) {
				return oauthError(400, "invalid_dpop_proof", "DPoP proof JWT header is missing.", null);
			}
			ProofCheck proof = checkProof(dpopHeader, "POST", this.orgUrl.get() + TOKEN_PATH, now, null);
			if (proof.error != null) {
				return oauthError(400, "invalid_dpop_proof", proof.error, null);
			}
			if (!this.tokenNonce.equals(proof.nonce)) {
				return oauthError(400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.",
						this.tokenNonce);
			}
			jkt = proof.jkt;
		}
		String value = "fake-at." + UUID.randomUUID() + "." + UUID.randomUUID();
		long seconds = Math.max(1, this.tokenLifetime.toSeconds());
		if (!this.issueDeadTokens) {
			this.tokens.put(value,
					new IssuedToken(client.clientId(), Set.copyOf(requested), now.plusSeconds(seconds), jkt));
		}
		this.tokensIssued++;
		this.allIssued.add(value);
		ObjectNode json = FakeOktaOrg.JSON.createObjectNode();
		json.put("token_type", (jkt != null) ? "DPoP" : "Bearer");
		json.put("expires_in", seconds);
		json.put("access_token", value);
		json.put("scope", String.join(" ", requested));
		return new Answer(200,
				Map.of("Content-Type", "application/json", "Cache-Control", "no-store", "Pragma", "no-cache"),
				json.toString());
	}

	private Answer oauthError(int status, String error, String description, String nonce) {
		this.tokenErrors.merge(error, 1, Integer::sum);
		ObjectNode json = FakeOktaOrg.JSON.createObjectNode();
		json.put("error", error);
		json.put("error_description", description);
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", "application/json");
		headers.put("Cache-Control", "no-store");
		if (nonce != null) {
			headers.put("DPoP-Nonce", nonce);
		}
		return new Answer(status, headers, json.toString());
	}

	// ------------------------------------------------------------------ resource server

	/**
	 * Why an API call's credentials were refused: the answer's Okta error and headers.
	 */
	record Refusal(OktaError error, String wwwAuthenticate, String dpopNonce) {
	}

	/**
	 * SSWS as before ({@code ssws} is the org's API token); a service app's token through
	 * {@link #authenticate}, then the endpoint's scopes.
	 * @return {@code null} when the call may proceed
	 */
	Refusal check(String authorization, String dpop, String method, HttpUrl url, String ssws) {
		if (authorization == null || authorization.startsWith("SSWS ")) {
			return (authorization != null && authorization.equals("SSWS " + ssws)) ? null
					: new Refusal(OktaError.invalidToken(), null, null);
		}
		Verdict verdict = authenticate(authorization, dpop, method, url.toString());
		if (!verdict.isAccepted()) {
			OktaError error = (verdict.status() == 400) ? OktaError.of(400, OktaError.VALIDATION, verdict.description())
					: OktaError.invalidToken();
			return new Refusal(error, verdict.wwwAuthenticate(), verdict.nonce());
		}
		List<String> needed = scopesFor(method, url.pathSegments());
		if (needed != null && needed.stream().noneMatch(verdict.scopes()::contains)) {
			String scheme = authorization.substring(0, authorization.indexOf(' '));
			return new Refusal(
					OktaError.of(403, OktaError.FORBIDDEN,
							"You do not have permission to perform the requested action"),
					insufficientScope(scheme, needed.get(0), url.encodedPath()), null);
		}
		return null;
	}

	/**
	 * Checks an API call's {@code Authorization: Bearer|DPoP <token>} (and its
	 * {@code DPoP} proof).
	 * @param url the request URL as sent (the proof's {@code htu} is compared without the
	 * query)
	 */
	Verdict authenticate(String authorization, String dpopHeader, String method, String url) {
		Instant now = this.clock.instant();
		int space = authorization.indexOf(' ');
		String scheme = (space > 0) ? authorization.substring(0, space) : authorization;
		String value = (space > 0) ? authorization.substring(space + 1).trim() : "";
		IssuedToken token = this.tokens.get(value);
		String challengeScheme = (token != null && token.jkt() != null) ? "DPoP" : "Bearer";
		if (token == null) {
			return rejected(401, "invalid_token", "The access token is invalid.", challengeScheme, null);
		}
		if (!now.isBefore(token.expiresAt())) {
			this.tokens.remove(value);
			return rejected(401, "invalid_token", "The access token is expired.", challengeScheme, null);
		}
		if (token.jkt() == null) {
			return "Bearer".equals(scheme) ? accepted("Bearer", token.scopes()) : rejected(401, "invalid_token",
					"A Bearer token must be sent with the Bearer scheme.", "Bearer", null);
		}
		if (!"DPoP".equals(scheme)) {
			return rejected(401, "invalid_token", "A DPoP-bound token must be sent with the DPoP scheme.", "DPoP",
					null);
		}
		if (dpopHeader == null) {
			return rejected(400, "invalid_dpop_proof", "DPoP proof JWT header is missing.", "DPoP", null);
		}
		int query = url.indexOf('?');
		ProofCheck proof = checkProof(dpopHeader, method, (query >= 0) ? url.substring(0, query) : url, now, value);
		if (proof.error != null) {
			return rejected(400, "invalid_dpop_proof", proof.error, "DPoP", null);
		}
		if (!token.jkt().equals(proof.jkt)) {
			return rejected(401, "invalid_dpop_proof", "The DPoP proof key is not the key the token is bound to.",
					"DPoP", null);
		}
		if (this.resourceNonce != null && !this.resourceNonce.equals(proof.nonce)) {
			return rejected(401, "use_dpop_nonce", "Resource server requires nonce in DPoP proof.", "DPoP",
					this.resourceNonce);
		}
		return accepted("DPoP", token.scopes());
	}

	private Verdict accepted(String scheme, Set<String> scopes) {
		this.acceptedCalls.merge(scheme, 1, Integer::sum);
		return Verdict.accepted(scopes);
	}

	private static Verdict rejected(int status, String error, String description, String scheme, String nonce) {
		return new Verdict(Set.of(), status, error, description, scheme, nonce);
	}

	/**
	 * The scopes that allow a call, any one of them enough, the least first; {@code null}
	 * when the path needs none known to the fake.
	 */
	static List<String> scopesFor(String method, List<String> segments) {
		if (segments.size() >= 3 && segments.get(0).equals("api") && segments.get(1).equals("v1")) {
			boolean read = "GET".equals(method);
			switch (segments.get(2)) {
				case "users":
					return read ? List.of("okta.users.read", "okta.users.manage") : List.of("okta.users.manage");
				case "logs":
					return List.of("okta.logs.read");
				case "eventHooks":
					return read ? List.of("okta.eventHooks.read", "okta.eventHooks.manage")
							: List.of("okta.eventHooks.manage");
				default:
					return null;
			}
		}
		return null;
	}

	/** The {@code WWW-Authenticate} of a 403 for a missing scope, as Okta writes it. */
	String insufficientScope(String scheme, String scope, String path) {
		return scheme + " authorization_uri=\"" + this.orgUrl.get() + "/oauth2/v1/authorize\", realm=\""
				+ this.orgUrl.get() + "\", scope=\"" + scope + "\", error=\"insufficient_scope\", "
				+ "error_description=\"The access token provided does not contain the required scopes.\", resource=\""
				+ path + "\"";
	}

	// ------------------------------------------------------------------ proofs

	private record ProofCheck(String error, String jkt, String nonce) {
	}

	private ProofCheck checkProof(String header, String method, String htu, Instant now, String accessToken) {
		SignedJWT proof;
		JWTClaimsSet claims;
		try {
			proof = SignedJWT.parse(header);
			claims = proof.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			return new ProofCheck("The DPoP proof is not a valid JWT.", null, null);
		}
		JWSHeader jws = proof.getHeader();
		if (jws.getType() == null || !"dpop+jwt".equals(jws.getType().getType())) {
			return new ProofCheck("The DPoP proof typ must be dpop+jwt.", null, null);
		}
		JWK jwk = jws.getJWK();
		if (jwk == null || jwk.isPrivate()) {
			return new ProofCheck("The DPoP proof header must carry the public jwk.", null, null);
		}
		if (!verifies(proof, jwk)) {
			return new ProofCheck("The DPoP proof signature is invalid.", null, null);
		}
		try {
			if (!method.equals(claims.getStringClaim("htm"))) {
				return new ProofCheck("The DPoP proof htm does not match the request method.", null, null);
			}
			if (!htu.equals(claims.getStringClaim("htu"))) {
				return new ProofCheck("The DPoP proof htu does not match the request URL.", null, null);
			}
			Date iat = claims.getIssueTime();
			if (iat == null || Duration.between(iat.toInstant(), now).abs().compareTo(IAT_WINDOW) > 0) {
				return new ProofCheck("The DPoP proof iat is missing or outside the accepted window.", null, null);
			}
			if (claims.getJWTID() == null || !this.proofJtis.add(claims.getJWTID())) {
				return new ProofCheck("The DPoP proof jti has already been used.", null, null);
			}
			if (accessToken != null && !ath(accessToken).equals(claims.getStringClaim("ath"))) {
				return new ProofCheck("The DPoP proof ath does not match the access token.", null, null);
			}
			return new ProofCheck(null, jwk.computeThumbprint().toString(), claims.getStringClaim("nonce"));
		}
		catch (ParseException | JOSEException ex) {
			return new ProofCheck("The DPoP proof claims are malformed.", null, null);
		}
	}

	private static boolean verifies(SignedJWT jwt, JWK key) {
		try {
			if (!(key instanceof AsymmetricJWK asymmetric)) {
				return false;
			}
			JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
					asymmetric.toPublicKey());
			return jwt.verify(verifier);
		}
		catch (JOSEException ex) {
			return false;
		}
	}

	static String ath(String accessToken) {
		try {
			return Base64URL
				.encode(MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)))
				.toString();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Map<String, String> form(String body) {
		Map<String, String> form = new HashMap<>();
		for (String pair : body.split("&")) {
			int eq = pair.indexOf('=');
			if (eq > 0) {
				form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
			}
		}
		return form;
	}

	private static String newNonce() {
		return UUID.randomUUID().toString().replace("-", "");
	}

}
