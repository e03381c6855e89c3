package dev.factorhealer.okta;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.factorhealer.fakeokta.FakeServiceApp;

/** The heal loop and the System Log poller with a Bearer token, DPoP off (EC key). */
class ServiceAppBearerIntegrationTests extends ServiceAppIntegrationTestSupport {

	private static final FakeServiceApp APP = FakeServiceApp.ec()
		.registerWith(okta(), FakeServiceApp.DEFAULT_SCOPES, false);

	@DynamicPropertySource
	static void bearer(DynamicPropertyRegistry registry) {
		serviceApp(registry, APP, false);
	}

	@Override
	FakeServiceApp app() {
		return APP;
	}

	@Override
	String scheme() {
		return "Bearer";
	}

}
