package dev.factorhealer.okta;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.factorhealer.okta.OktaAuthorization.Challenge;

/**
 * What an answer's challenge about the credential does to a call: a 401
 * {@code invalid_token} renews the token once and a {@code use_dpop_nonce} takes the
 * nonce once, each repeated through the normal attempt path (a budget permit of its own,
 * counted by Retry, not by the circuit); a second such answer is final. A 403
 * {@code insufficient_scope} is never repeated: the call ends with a rejection that names
 * the scope.
 */
final class CredentialRepeat {

	private static final Logger log = LoggerFactory.getLogger(CredentialRepeat.class);

	private final OktaAuthorization authorization;

	CredentialRepeat(OktaAuthorization authorization) {
		this.authorization = authorization;
	}

	/**
	 * @throws OktaErrors.RepeatAnswer when the answer asks for the call again, the first
	 * time
	 */
	void repeatIfAsked(OktaCall call, OktaReply reply) {
		Challenge challenge = call.challenge;
		if (challenge.type() == Challenge.Type.RENEW_TOKEN && !call.renewed) {
			call.renewed = true;
			this.authorization.renew(call.credential);
			throw new OktaErrors.RepeatAnswer(reply.describe() + ": renewing the access token");
		}
		if (challenge.type() == Challenge.Type.USE_NONCE && !call.nonceTaken) {
			call.nonceTaken = true;
			throw new OktaErrors.RepeatAnswer(reply.describe() + ": use_dpop_nonce");
		}
	}

	/** The final answer, or the rejection naming the scope the access token lacks. */
	static OktaReply unlessScopeMissing(OktaCall call, OktaReply reply) {
		if (reply.status() != 403 || call.challenge.type() != Challenge.Type.INSUFFICIENT_SCOPE) {
			return reply;
		}
		String scope = (call.challenge.scope() != null) ? call.challenge.scope() : "(not named by Okta)";
		String message = "Okta " + call.request.operation() + " " + call.request.subject() + " was rejected: "
				+ reply.describe() + ": the access token lacks the scope " + scope
				+ "; grant it to the service app and add it to okta.client.scopes (OKTA_CLIENT_SCOPES)";
		log.warn("{}; not retried", message);
		throw new OktaException.Rejected(message, reply.status(), reply.error().errorCode(), reply.error().errorId(),
				call.attempts.get());
	}

}
