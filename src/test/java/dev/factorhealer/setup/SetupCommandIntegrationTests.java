package dev.factorhealer.setup;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.factorhealer.fakeokta.FakeServiceApp;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hook create}, {@code hook show} and {@code doctor} against the fake org (its
 * event hooks API really sends the verification GET to this running service's hook
 * endpoint) and the real broker.
 */
@ExtendWith(OutputCaptureExtension.class)
class SetupCommandIntegrationTests extends IntegrationTestSupport {

	private final String hookName = "healer-" + UUID.randomUUID().toString().substring(0, 8);

	@AfterEach
	void rootLevelBack(CapturedOutput output) {
		// the commands quiet the root logger for their own JVM; give this shared test JVM
		// its level back
		LoggingSystem.get(getClass().getClassLoader()).setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
		assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain("eyJ").doesNotContain("fake-at.");
	}

	@Test
	void hookCreateTwiceLeavesOneVerifiedHookWithTheWatchedEventTypes() {
		Run first = run(sswsSettings(), "hook", "create", "--url", url("/hooks/okta").toString(), "--name",
				this.hookName);
		Run second = run(sswsSettings(), "hook", "create", "--url", url("/hooks/okta").toString(), "--name",
				this.hookName);

		assertThat(first.code).as(first.err).isZero();
		assertThat(second.code).as(second.err).isZero();
		assertThat(first.out).contains("created event hook '" + this.hookName + "'").contains("VERIFIED");
		assertThat(second.out).contains("updated event hook '" + this.hookName + "'").contains("VERIFIED");
		List<JsonNode> hooks = hooks(this.hookName);
		assertThat(hooks).hasSize(1);
		JsonNode hook = hooks.get(0);
		assertThat(hook.get("status").asString()).isEqualTo("ACTIVE");
		assertThat(hook.get("verificationStatus").asString()).isEqualTo("VERIFIED");
		assertThat(hook.path("events").path("items").valueStream().map(JsonNode::asString).toList()).containsExactly(
				SetupProperties.AUTH_VIA_MFA, SetupProperties.SEND_PHONE_VERIFICATION_SMS,
				SetupProperties.FACTOR_ACTIVATE);
		assertThat(hook.path("channel").path("config").path("authScheme").path("key").asString())
			.isEqualTo("Authorization");
		assertThat(hook.path("channel").path("config").path("authScheme").path("value").asString()).isEqualTo(SECRET);

		Run show = run(sswsSettings(), "hook", "show", "--name", this.hookName);
		assertThat(show.code).as(show.err).isZero();
		assertThat(show.out).contains("ACTIVE").contains("VERIFIED").contains(SetupProperties.AUTH_VIA_MFA);
	}

	@Test
	void aHookThatLacksAWatchedEventTypeIsReportedAndRepairedByCreate() {
		Map<String, Object> older = sswsSettings();
		older.put("healer.setup.hook-event-types", SetupProperties.AUTH_VIA_MFA);
		assertThat(run(older, "hook", "create", "--url", url("/hooks/okta").toString(), "--name", this.hookName).code)
			.isZero();

		Run show = run(sswsSettings(), "hook", "show", "--name", this.hookName);
		Run doctor = run(sswsSettings(), "doctor", "--name", this.hookName);
		Run repair = run(sswsSettings(), "hook", "create", "--url", url("/hooks/okta").toString(), "--name",
				this.hookName);
		Run after = run(sswsSettings(), "hook", "show", "--name", this.hookName);

		assertThat(show.code).isOne();
		assertThat(show.err).contains("lacks event types [" + SetupProperties.SEND_PHONE_VERIFICATION_SMS + ", "
				+ SetupProperties.FACTOR_ACTIVATE + "]");
		assertThat(doctor.code).isOne();
		assertThat(doctor.out).contains("FAIL event hook '" + this.hookName + "'")
			.contains("missing event types [" + SetupProperties.SEND_PHONE_VERIFICATION_SMS + ", "
					+ SetupProperties.FACTOR_ACTIVATE + "]");
		assertThat(repair.code).as(repair.err).isZero();
		assertThat(after.code).as(after.err).isZero();
		assertThat(hooks(this.hookName)).hasSize(1);
	}

	@Test
	void hookCreateSaysSoWhenOktaCannotVerifyTheHook() {
		// an endpoint of the service that does not echo the challenge
		Run run = run(sswsSettings(), "hook", "create", "--url", url("/actuator/health").toString(), "--name",
				this.hookName);

		assertThat(run.code).isOne();
		assertThat(run.out).contains("UNVERIFIED");
		assertThat(run.err).contains("could not verify the hook");
		assertThat(hooks(this.hookName)).hasSize(1);
	}

	@Test
	void aServiceAppAsksForTheHooksScopeOnlyForTheCommands() {
		FakeServiceApp granted = FakeServiceApp.rsa()
			.registerWith(okta(), Set.of("okta.users.manage", "okta.logs.read", "okta.eventHooks.manage"), true);
		FakeServiceApp notGranted = FakeServiceApp.rsa().registerWith(okta(), FakeServiceApp.DEFAULT_SCOPES, true);

		Run ok = run(serviceAppSettings(granted), "hook", "create", "--url", url("/hooks/okta").toString(), "--name",
				this.hookName);
		Run refused = run(serviceAppSettings(notGranted), "hook", "show", "--name", this.hookName);

		assertThat(ok.code).as(ok.err).isZero();
		assertThat(ok.out).contains("OAuth 2.0 service app " + granted.clientId()).contains("VERIFIED");
		assertThat(refused.code).isOne();
		assertThat(refused.err).contains("scope not granted").contains("okta.eventHooks.manage");
	}

	@Test
	void doctorPassesWhenEverythingIsInPlace() {
		assertThat(run(sswsSettings(), "hook", "create", "--url", url("/hooks/okta").toString(), "--name",
				this.hookName).code)
			.isZero();

		Run doctor = run(sswsSettings(), "doctor", "--name", this.hookName);

		assertThat(doctor.code).as(doctor.out).isZero();
		assertThat(doctor.out).contains("OK   credentials")
			.contains("OK   factors API")
			.contains("OK   System Log API")
			.contains("OK   rate limit, factors bucket")
			.contains("OK   rate limit, System Log bucket")
			.contains("OK   event hook '" + this.hookName + "'")
			.contains("OK   Kafka")
			.contains("all 7 checks passed")
			.doesNotContain("FAIL");
	}

	@Test
	void doctorReportsABadTokenAMissingHookAnOverBudgetAndKafkaDown() {
		Map<String, Object> settings = sswsSettings();
		settings.put("okta.client.token", "not-the-org-token");
		settings.put("healer.okta.requests-per-minute", "5000");
		settings.put("spring.kafka.bootstrap-servers", "127.0.0.1:1");

		Run doctor = run(settings, "doctor", "--name", this.hookName);

		assertThat(doctor.code).isOne();
		assertThat(doctor.out).contains("FAIL credentials: Okta refused the SSWS API token (401")
			.contains("the API token is invalid, revoked or expired")
			.contains("FAIL factors API: not checked")
			.contains("FAIL event hook '" + this.hookName + "'")
			.contains("FAIL Kafka: 127.0.0.1:1 not reachable")
			.contains("SPRING_KAFKA_BOOTSTRAPSERVERS");
		assertThat(doctor.out).doesNotContain("not-the-org-token");

		Map<String, Object> overBudget = sswsSettings();
		overBudget.put("healer.okta.requests-per-minute", "5000");
		Run budget = run(overBudget, "doctor", "--name", this.hookName);
		assertThat(budget.out).contains("FAIL rate limit, factors bucket: Okta's limit 600 per minute")
			.contains("lower healer.okta.requests-per-minute");
	}

	@Test
	void doctorReportsAMissingScopeAndAnUnknownClient() {
		FakeServiceApp usersOnly = FakeServiceApp.ec().registerWith(okta(), Set.of("okta.users.manage"), false);
		Map<String, Object> settings = serviceAppSettings(usersOnly);
		settings.put("okta.client.dpop", "false");
		settings.put("okta.client.scopes", "okta.users.manage");

		Run scope = run(settings, "doctor", "--name", this.hookName);

		assertThat(scope.code).isOne();
		assertThat(scope.out).contains("OK   credentials")
			.contains("OK   factors API")
			.contains("FAIL System Log API")
			.contains("lacks the scope okta.logs.read")
			.contains("FAIL event hook")
			.contains("okta.eventHooks.manage");

		FakeServiceApp unknown = FakeServiceApp.rsa();
		Run client = run(serviceAppSettings(unknown), "doctor", "--name", this.hookName);
		assertThat(client.code).isOne();
		assertThat(client.out).contains("FAIL credentials: unknown client id")
			.contains("what to do: set okta.client.client-id");
	}

	@Test
	void badArgumentsPrintTheUsage() {
		Run none = run(sswsSettings(), "hook");
		Run noUrl = run(sswsSettings(), "hook", "create");
		Run help = run(sswsSettings(), "doctor", "--help");

		assertThat(none.code).isEqualTo(2);
		assertThat(none.err).contains("usage: hook create --url");
		assertThat(noUrl.code).isEqualTo(2);
		assertThat(noUrl.err).contains("--url is required");
		assertThat(help.code).isZero();
		assertThat(help.out).contains("usage:").contains("okta.eventHooks.manage");
	}

	private Map<String, Object> sswsSettings() {
		Map<String, Object> settings = new HashMap<>();
		settings.put("okta.client.org-url", okta().url());
		settings.put("okta.client.token", okta().token());
		settings.put("okta.testing.disable-https-check", "true");
		settings.put("healer.hook.secrets", SECRET);
		settings.put("spring.kafka.bootstrap-servers", KafkaTestBroker.bootstrapServers());
		return settings;
	}

	private Map<String, Object> serviceAppSettings(FakeServiceApp app) {
		Map<String, Object> settings = sswsSettings();
		settings.remove("okta.client.token");
		settings.putAll(app.settings(okta(), true));
		return settings;
	}

	private static List<JsonNode> hooks(String name) {
		return okta().eventHooks().hooks().stream().filter(hook -> name.equals(hook.path("name").asString())).toList();
	}

	private static Run run(Map<String, Object> settings, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = SetupCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), settings);
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private record Run(int code, String out, String err) {
	}

}
