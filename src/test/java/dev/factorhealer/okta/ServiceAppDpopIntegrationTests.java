package dev.factorhealer.okta;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.factorhealer.fakeokta.FakeServiceApp;

/** The heal loop and the System Log poller with a DPoP-bound token (RSA key). */
class ServiceAppDpopIntegrationTests extends ServiceAppIntegrationTestSupport {

	private static final FakeServiceApp APP = FakeServiceApp.rsa()
		.registerWith(okta(), FakeServiceApp.DEFAULT_SCOPES, true);

	@DynamicPropertySource
	static void dpop(DynamicPropertyRegistry registry) {
		serviceApp(registry, APP, true);
	}

	@Override
	FakeServiceApp app() {
		return APP;
	}

	@Override
	String scheme() {
		return "DPoP";
	}

}
