package dev.factorhealer.okta;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;

import dev.factorhealer.okta.OktaHttp.OktaRequest;
import dev.factorhealer.okta.OktaHttp.Result;

/**
 * {@link OktaFactors} over {@link OktaHttp}: turns the final answer of each call into a
 * value or one of the {@link OktaException}s. Unknown fields of a factor are ignored.
 */
final class OktaFactorsClient implements OktaFactors {

	private static final Logger log = LoggerFactory.getLogger(OktaFactorsClient.class);

	static final String LIST_FACTORS = "list_factors";

	static final String DELETE_FACTOR = "delete_factor";

	static final String GET_FACTOR = "get_factor";

	private final OktaHttp http;

	private final JsonMapper mapper;

	private final boolean removeRecoveryEnrollment;

	OktaFactorsClient(OktaHttp http, JsonMapper mapper, boolean removeRecoveryEnrollment) {
		this.http = http;
		this.mapper = mapper;
		this.removeRecoveryEnrollment = removeRecoveryEnrollment;
	}

	@Override
	public OktaAnswer<List<UserFactor>> listFactors(String userId, Instant deadline, BudgetPermits permits) {
		requireId(userId, "userId");
		String subject = "user " + userId;
		Result result = this.http.send(
				new OktaRequest(LIST_FACTORS, HttpMethod.GET,
						this.http.uri(uri -> uri.pathSegment("api", "v1", "users", userId, "factors")), subject),
				deadline, permits);
		OktaReply reply = result.reply();
		if (reply.isSuccess()) {
			return new OktaAnswer<>(factors(reply, subject, result.attempts()), result.attempts());
		}
		if (reply.status() == 404) {
			log.info("Okta {} {}: user not found ({})", LIST_FACTORS, subject, reply.describe());
			throw new OktaException.UserNotFound("Okta user " + userId + " not found: " + reply.describe(),
					reply.error().errorCode(), reply.error().errorId(), result.attempts());
		}
		throw rejected(LIST_FACTORS, subject, result);
	}

	@Override
	public OktaAnswer<Optional<UserFactor>> getFactor(String userId, String factorId, Instant deadline,
			BudgetPermits permits) {
		requireId(userId, "userId");
		requireId(factorId, "factorId");
		String subject = "user " + userId + " factor " + factorId;
		Result result = this.http.send(new OktaRequest(GET_FACTOR, HttpMethod.GET,
				this.http.uri(uri -> uri.pathSegment("api", "v1", "users", userId, "factors", factorId)), subject),
				deadline, permits);
		OktaReply reply = result.reply();
		if (reply.isSuccess()) {
			JsonNode factor = tree(reply);
			if (factor == null || !factor.isObject()) {
				throw notJson(GET_FACTOR, subject, reply, "a factor", result.attempts());
			}
			return new OktaAnswer<>(Optional.of(factor(factor)), result.attempts());
		}
		if (reply.status() == 404) {
			return new OktaAnswer<>(Optional.empty(), result.attempts());
		}
		throw rejected(GET_FACTOR, subject, result);
	}

	@Override
	public int shareBudget(int owned, int total) {
		return this.http.share(owned, total);
	}

	@Override
	public BudgetPermits reservePair(Instant deadline) {
		return this.http.reservePair(deadline);
	}

	@Override
	public OktaAnswer<Unenrollment> deleteFactor(String userId, String factorId, Instant deadline, DeleteGuard guard) {
		requireId(userId, "userId");
		requireId(factorId, "factorId");
		String subject = "user " + userId + " factor " + factorId;
		Result result = this.http.send(new OktaRequest(DELETE_FACTOR, HttpMethod.DELETE, this.http.uri(uri -> {
			uri.pathSegment("api", "v1", "users", userId, "factors", factorId);
			if (this.removeRecoveryEnrollment) {
				uri.queryParam("removeRecoveryEnrollment", "true");
			}
		}), subject), deadline, guard);
		OktaReply reply = result.reply();
		if (reply.isSuccess()) {
			log.debug("Okta {} {}: unenrolled ({}, attempts: {})", DELETE_FACTOR, subject, reply.status(),
					result.attempts());
			return new OktaAnswer<>(Unenrollment.DELETED, result.attempts());
		}
		if (reply.status() == 404) {
			log.info("Okta {} {}: already removed ({}, attempts: {})", DELETE_FACTOR, subject, reply.describe(),
					result.attempts());
			return new OktaAnswer<>(Unenrollment.ALREADY_REMOVED, result.attempts());
		}
		throw rejected(DELETE_FACTOR, subject, result);
	}

	private List<UserFactor> factors(OktaReply reply, String subject, int attempts) {
		JsonNode array = tree(reply);
		if (array == null || !array.isArray()) {
			throw notJson(LIST_FACTORS, subject, reply, "a JSON array of factors", attempts);
		}
		List<UserFactor> factors = new ArrayList<>(array.size());
		for (JsonNode factor : array) {
			if (factor.isObject()) {
				factors.add(factor(factor));
			}
		}
		return List.copyOf(factors);
	}

	private JsonNode tree(OktaReply reply) {
		try {
			return this.mapper.readTree(reply.body());
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return null;
		}
	}

	private static OktaException.Unavailable notJson(String operation, String subject, OktaReply reply, String what,
			int attempts) {
		log.warn("Okta {} {}: answer {} is not {}", operation, subject, reply.status(), what);
		return new OktaException.Unavailable("Okta " + operation + " " + subject + " answered " + reply.status()
				+ " with a body that is not " + what, reply.status(), null, null, attempts, null);
	}

	private static UserFactor factor(JsonNode factor) {
		return new UserFactor(text(factor, "id"), text(factor, "factorType"), text(factor, "provider"),
				text(factor, "status"), instant(text(factor, "created")));
	}

	private static Instant instant(String text) {
		if (text == null) {
			return null;
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static OktaException.Rejected rejected(String operation, String subject, Result result) {
		OktaReply reply = result.reply();
		log.warn("Okta {} {}: {}; not retried", operation, subject, reply.describe());
		return new OktaException.Rejected("Okta " + operation + " " + subject + " was rejected: " + reply.describe(),
				reply.status(), reply.error().errorCode(), reply.error().errorId(), result.attempts());
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static void requireId(String id, String name) {
		Objects.requireNonNull(id, name);
		if (id.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
	}

}
