package dev.factorhealer.okta;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.factorhealer.okta.OktaAuthorizations.OktaStartupCheckFailed;

/**
 * Turns a failed start-up token request into Spring Boot's short "APPLICATION FAILED TO
 * START" report (what Okta said, what to fix) instead of a stack trace.
 */
class OktaStartupFailureAnalyzer extends AbstractFailureAnalyzer<OktaStartupCheckFailed> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, OktaStartupCheckFailed cause) {
		String action = (cause.getCause() instanceof OktaTokenException token) ? switch (token.reason()) {
			case UNKNOWN_CLIENT ->
				"Set okta.client.client-id (OKTA_CLIENT_CLIENTID) to the Client ID of the service app.";
			case WRONG_KEY ->
				"Register the public half of okta.client.private-key (OKTA_CLIENT_PRIVATEKEY) with the service app, "
						+ "or set okta.client.kid (OKTA_CLIENT_KID) to the key's id.";
			case SCOPE_NOT_GRANTED ->
				"Grant the scopes on the service app's 'Okta API Scopes' tab, or change okta.client.scopes "
						+ "(OKTA_CLIENT_SCOPES).";
			case DPOP_MISMATCH -> "Make okta.client.dpop (OKTA_CLIENT_DPOP) match the app's 'Require DPoP' setting.";
			case REJECTED -> "Check the service app in the Okta Admin Console.";
			case UNAVAILABLE -> "Check okta.client.org-url and that Okta is reachable from here; the service tried for "
					+ OktaAuthorizations.STARTUP_CHECK_FOR.toSeconds() + " s.";
		} : "Check the okta.client.* settings.";
		return new FailureAnalysis(cause.getMessage(), action + " `java -jar <jar> doctor` checks the whole set-up.",
				cause);
	}

}
