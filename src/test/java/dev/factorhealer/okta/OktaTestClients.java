package dev.factorhealer.okta;

import java.util.Map;

import dev.factorhealer.fakeokta.FakeOktaOrg;

/**
 * The real Okta client against a fake org, for tests of other modules (settings below
 * {@code healer.okta}).
 */
public final class OktaTestClients {

	private OktaTestClients() {
	}

	public static OktaFactors factors(FakeOktaOrg org, Map<String, String> settings) {
		return OktaClientFixture.against(org, settings).okta;
	}

}
