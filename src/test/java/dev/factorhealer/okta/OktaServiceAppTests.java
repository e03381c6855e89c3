package dev.factorhealer.okta;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.FakeServiceApp;
import dev.factorhealer.fakeokta.RecordedCall;

import static dev.factorhealer.okta.OktaClientFixture.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The factors and System Log clients as an OAuth 2.0 service app against the fake org's
 * authorization server: client credentials with {@code private_key_jwt}, DPoP with the
 * nonce dance, renewal before expiry and after a 401, the resource server's nonce, a
 * missing scope, and that no token, assertion, proof or key reaches a log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class OktaServiceAppTests {

	private static final String USER = "00uapp000000000001";

	private static final String SMS = "smsapp000000000001";

	private static final String FACTORS = "/api/v1/users/" + USER + "/factors";

	private FakeOktaOrg org;

	private FakeServiceApp app;

	@BeforeEach
	void startOrg() {
		this.org = FakeOktaOrg.start();
		this.org.addUser(USER);
		this.org.addFactor(USER, SMS, "sms", "PENDING_ACTIVATION");
		this.org.addFactor(USER, null, "email", "ACTIVE");
		this.app = FakeServiceApp.rsa();
	}

	@AfterEach
	void stopOrg(CapturedOutput output) {
		this.org.close();
		assertNoSecretIn(output);
	}

	@Test
	void withDpopTheTokenRequestTakesTheNonceOnceAndEveryCallCarriesABoundToken() {
		this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
		OktaClientFixture fixture = fixture(true, Map.of());

		OktaAnswer<List<UserFactor>> factors = fixture.okta.listFactors(USER, in(Duration.ofSeconds(10)));
		OktaAnswer<Unenrollment> deleted = fixture.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(10)),
				OktaClientFixture.TRUSTING);

		assertThat(factors.value()).hasSize(2);
		assertThat(factors.attempts()).isOne();
		assertThat(deleted.value()).isEqualTo(Unenrollment.DELETED);
		// one use_dpop_nonce answer, one repeat with the nonce, and the token cached for
		// the second call
		assertThat(this.org.authorizationServer().tokenRequests()).isEqualTo(2);
		assertThat(this.org.authorizationServer().tokenErrors()).isEqualTo(Map.of("use_dpop_nonce", 1));
		assertThat(this.org.authorizationServer().tokensIssued()).isOne();
		assertThat(fixture.counter(AccessTokens.REQUESTS, "result", "use_dpop_nonce")).isOne();
		assertThat(fixture.counter(AccessTokens.REQUESTS, "result", "issued")).isOne();
		assertThat(this.org.calls()).filteredOn(call -> call.path().startsWith("/api/"))
			.extracting(RecordedCall::status)
			.containsExactly(200, 204);
	}

	@Test
	void evenAtDebugLevelNoSecretIsLogged() {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		List<String> loggers = List.of("dev.factorhealer", "org.springframework.web", "org.springframework.http",
				"jdk.internal.httpclient", "com.nimbusds");
		loggers.forEach(logger -> logging.setLogLevel(logger, LogLevel.TRACE));
		try {
			this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
			OktaClientFixture fixture = fixture(true, Map.of());
			this.org.authorizationServer().demandResourceNonce(true);
			fixture.okta.listFactors(USER, in(Duration.ofSeconds(10)));
			this.org.authorizationServer().revokeTokens();
			fixture.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(10)), OktaClientFixture.TRUSTING);
			assertThat(this.org.authorizationServer().tokensIssued()).isEqualTo(2);
		}
		finally {
			loggers.forEach(logger -> logging.setLogLevel(logger, null));
		}
	}

	@Test
	void withoutDpopAnEcKeyGetsABearerToken() {
		this.app = FakeServiceApp.ec().registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, false);
		OktaClientFixture fixture = fixture(false, Map.of());

		assertThat(fixture.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(10)), OktaClientFixture.TRUSTING).value())
			.isEqualTo(Unenrollment.DELETED);
		assertThat(this.org.authorizationServer().tokenRequests()).isOne();
		assertThat(this.org.authorizationServer().tokenErrors()).isEmpty();
	}

	@Test
	void theTokenIsRenewedBeforeItExpiresSoNoCallIsRefused() {
		this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
		this.org.authorizationServer().tokenLifetime(Duration.ofSeconds(2));
		OktaClientFixture fixture = fixture(true, Map.of());
		Instant until = Instant.now().plusSeconds(5);

		// calls for about two and a half token lifetimes
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			fixture.okta.listFactors(USER, in(Duration.ofSeconds(5)));
			return Instant.now().isAfter(until);
		});

		assertThat(this.org.authorizationServer().tokensIssued()).isBetween(3, 4);
		assertThat(this.org.calls()).filteredOn(call -> call.path().equals(FACTORS))
			.extracting(RecordedCall::status)
			.containsOnly(200);
	}

	@Test
	void aRevokedTokenIsRenewedOnceAndTheCallRepeatedOnceThroughTheBudget() {
		this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
		OktaClientFixture fixture = fixture(true, Map.of());
		fixture.okta.listFactors(USER, in(Duration.ofSeconds(10)));
		this.org.clearCalls();
		this.org.authorizationServer().revokeTokens();

		OktaAnswer<List<UserFactor>> factors = fixture.okta.listFactors(USER, in(Duration.ofSeconds(10)));

		assertThat(factors.value()).hasSize(2);
		assertThat(factors.attempts()).isEqualTo(2);
		assertThat(this.org.calls()).extracting(RecordedCall::path, RecordedCall::status)
			.containsExactly(tuple(FACTORS, 401), tuple("/oauth2/v1/token", 200), tuple(FACTORS, 200));
		// each HTTP attempt is one sample of the request timer: the repeat went through
		// the budget
		assertThat(fixture.timerCount(OktaFactorsClient.LIST_FACTORS, "401")).isOne();
		assertThat(fixture.timerCount(OktaFactorsClient.LIST_FACTORS, "200")).isEqualTo(2);
	}

	@Test
	void aSecond401AfterTheRenewalIsFinal() {
		this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
		OktaClientFixture fixture = fixture(true, Map.of("max-attempts", "5"));
		fixture.okta.listFactors(USER, in(Duration.ofSeconds(10)));
		this.org.clearCalls();
		this.org.authorizationServer().revokeTokens().issueDeadTokens(true);

		OktaException.Rejected rejected = catchThrowableOfType(OktaException.Rejected.class,
				() -> fixture.okta.listFactors(USER, in(Duration.ofSeconds(10))));

		assertThat(rejected.status()).isEqualTo(401);
		assertThat(rejected.attempts()).isEqualTo(2);
		assertThat(this.org.calls()).filteredOn(call -> call.path().equals(FACTORS)).hasSize(2);
		assertThat(this.org.authorizationServer().tokensIssued()).isEqualTo(2);
	}

	@Test
	void theResourceServersNonceIsTakenWithExactlyOneRepeat() {
		this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
		OktaClientFixture fixture = fixture(true, Map.of());
		fixture.okta.listFactors(USER, in(Duration.ofSeconds(10)));
		this.org.clearCalls();
		this.org.authorizationServer().demandResourceNonce(true);

		OktaAnswer<List<UserFactor>> factors = fixture.okta.listFactors(USER, in(Duration.ofSeconds(10)));
		OktaAnswer<List<UserFactor>> again = fixture.okta.listFactors(USER, in(Duration.ofSeconds(10)));

		assertThat(factors.attempts()).isEqualTo(2);
		assertThat(again.attempts()).isOne();
		assertThat(this.org.calls()).extracting(RecordedCall::status).containsExactly(401, 200, 200);
		assertThat(this.org.authorizationServer().tokenRequests()).isEqualTo(2);
	}

	@Test
	void aMissingScopeIsRejectedWithoutRetryAndNamesTheScope() {
		this.app.registerWith(this.org, Set.of("okta.users.read", "okta.logs.read"), true);
		OktaClientFixture fixture = fixture(true, Map.of("okta.client.scopes", "okta.users.read okta.logs.read"));

		assertThat(fixture.okta.listFactors(USER, in(Duration.ofSeconds(10))).value()).hasSize(2);
		OktaException.Rejected rejected = catchThrowableOfType(OktaException.Rejected.class,
				() -> fixture.okta.deleteFactor(USER, SMS, in(Duration.ofSeconds(10)), OktaClientFixture.TRUSTING));

		assertThat(rejected.status()).isEqualTo(403);
		assertThat(rejected.errorCode()).isEqualTo("E0000006");
		assertThat(rejected.attempts()).isOne();
		assertThat(rejected.getMessage()).contains("lacks the scope okta.users.manage").contains("okta.client.scopes");
		assertThat(this.org.deletes()).hasSize(1);
		assertThat(this.org.factorStatus(USER, SMS)).contains("PENDING_ACTIVATION");
	}

	@Test
	void theSystemLogIsReadWithTheSameToken() {
		this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
		OktaClientFixture fixture = fixture(true, Map.of());
		String uuid = this.org.appendStuckSmsEvent(USER);

		LogPage page = fixture.systemLog(this.org.url())
			.fetch(null, Instant.now().minusSeconds(60), null, 100, in(Duration.ofSeconds(10)))
			.value();

		assertThat(page.events()).extracting(LogPage.Event::uuid).containsExactly(uuid);
		assertThat(this.org.authorizationServer().tokensIssued()).isOne();
	}

	@Test
	void theLogsScopeIsNeededForTheSystemLog() {
		this.app.registerWith(this.org, Set.of("okta.users.manage"), false);
		OktaClientFixture fixture = fixture(false, Map.of("okta.client.scopes", "okta.users.manage"));

		OktaException.Rejected rejected = catchThrowableOfType(OktaException.Rejected.class,
				() -> fixture.systemLog(this.org.url())
					.fetch(null, Instant.now(), null, 100, in(Duration.ofSeconds(10))));

		assertThat(rejected.getMessage()).contains("lacks the scope okta.logs.read");
	}

	private OktaClientFixture fixture(boolean dpop, Map<String, String> overrides) {
		Map<String, String> client = new HashMap<>(this.app.settings(this.org, dpop));
		Map<String, String> policy = new HashMap<>();
		overrides.forEach((name, value) -> {
			if (name.startsWith("okta.client.")) {
				client.put(name, value);
			}
			else {
				policy.put(name, value);
			}
		});
		return OktaClientFixture.serviceApp(client, policy);
	}

	private void assertNoSecretIn(CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain(this.app.keyMaterial())
			// a client assertion, a DPoP proof and a JWK all start so once encoded
			.doesNotContain("eyJ")
			.doesNotContain("fake-at.");
		for (String token : this.org.authorizationServer().issuedTokenValues()) {
			assertThat(output.getAll()).doesNotContain(token);
		}
	}

}
