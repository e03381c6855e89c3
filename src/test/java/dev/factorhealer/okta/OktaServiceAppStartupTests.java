package dev.factorhealer.okta;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.FakeServiceApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start-up in PrivateKey mode: a token is fetched before the context is up, and a wrong
 * key, an unknown client id, a scope not granted or a DPoP mismatch stops the start with
 * a message that says which; the settings are checked for the mode and never echo a
 * secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class OktaServiceAppStartupTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(OktaConfiguration.class, Settings.class)
		.withBean(MeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
		.withBean(JsonMapper.class, () -> JsonMapper.builder().build());

	private FakeOktaOrg org;

	private FakeServiceApp app;

	@BeforeEach
	void startOrg() {
		this.org = FakeOktaOrg.start();
		this.app = FakeServiceApp.rsa();
	}

	@AfterEach
	void stopOrg(CapturedOutput output) {
		this.org.close();
		assertThat(output.getAll()).doesNotContain(this.app.keyMaterial())
			.doesNotContain("eyJ")
			.doesNotContain("fake-at.");
	}

	@Test
	void fetchesATokenBeforeTheServiceIsUp() {
		this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
		this.runner.withPropertyValues(properties(this.app.settings(this.org, true))).run(context -> {
			assertThat(context).hasNotFailed().hasSingleBean(OktaFactors.class);
			assertThat(this.org.authorizationServer().tokensIssued()).isOne();
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
				.contains("healer_okta_token_requests_total{result=\"issued\"} 1.0")
				.contains("healer_okta_token_requests_total{result=\"use_dpop_nonce\"} 1.0")
				.contains("resilience4j_ratelimiter_available_permissions{name=\"okta-token\"}");
		});
	}

	@Test
	void readsTheKeyFromAFileAndTakesAnEcKey(@TempDir Path dir) throws Exception {
		this.app = FakeServiceApp.ec().registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, false);
		Path pem = Files.writeString(dir.resolve("okta-key.pem"), this.app.pem());
		Map<String, String> settings = new java.util.HashMap<>(this.app.settings(this.org, false));
		settings.put("okta.client.private-key", pem.toString());
		this.runner.withPropertyValues(properties(settings)).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(this.org.authorizationServer().tokensIssued()).isOne();
		});
	}

	@Test
	void aWrongKeyStopsTheStartAndSaysSo() {
		FakeServiceApp.rsa();
		FakeServiceApp other = FakeServiceApp.rsa();
		// Okta knows the app's client id with another public key
		new FakeServiceApp(this.app.clientId(), other.key()).registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES,
				true);
		this.runner.withPropertyValues(properties(this.app.settings(this.org, true)))
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("wrong key")
				.hasMessageContaining("okta.client.private-key")
				.hasMessageContaining("invalid_client"));
	}

	@Test
	void theServiceReportsAFailedCheckInShortWithWhatToDo(CapturedOutput output) {
		List<String> args = new ArrayList<>();
		this.app.settings(this.org, true).forEach((name, value) -> args.add("--" + name + "=" + value));

		assertThatThrownBy(() -> new SpringApplicationBuilder(Minimal.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.run(args.toArray(String[]::new))).isInstanceOf(BeanCreationException.class);

		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("unknown client id")
			.contains("Set okta.client.client-id (OKTA_CLIENT_CLIENTID) to the Client ID of the service app")
			.contains("doctor");
	}

	@Test
	void anUnknownClientIdStopsTheStartAndSaysSo() {
		this.runner.withPropertyValues(properties(this.app.settings(this.org, true)))
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("unknown client id")
				.hasMessageContaining("okta.client.client-id=" + this.app.clientId()));
	}

	@Test
	void aScopeNotGrantedStopsTheStartAndSaysWhich() {
		this.app.registerWith(this.org, Set.of("okta.users.manage"), true);
		this.runner.withPropertyValues(properties(this.app.settings(this.org, true)))
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("scope not granted")
				.hasMessageContaining("okta.logs.read")
				.hasMessageContaining("okta.client.scopes"));
	}

	@Test
	void dpopOffForAnAppThatRequiresItStopsTheStart() {
		this.app.registerWith(this.org, FakeServiceApp.DEFAULT_SCOPES, true);
		this.runner.withPropertyValues(properties(this.app.settings(this.org, false)))
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("okta.client.dpop"));
	}

	@Test
	void privateKeyModeNeedsAClientIdAndAKeyButNoToken() {
		this.runner
			.withPropertyValues("okta.client.org-url=https://example.okta.com",
					"okta.client.authorization-mode=PrivateKey")
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("OKTA_CLIENT_CLIENTID")
				.hasMessageContaining("OKTA_CLIENT_PRIVATEKEY")
				.message()
				.doesNotContain("OKTA_CLIENT_TOKEN"));
	}

	@Test
	void aKeyThatIsNotAKeyIsRefusedWithoutEchoingIt() {
		String notAKey = "-----BEGIN PRIVATE KEY-----\nTUlJQ0lnbm90YWtleWF0YWxsc2VjcmV0\n-----END PRIVATE KEY-----";
		this.runner
			.withPropertyValues("okta.client.org-url=https://example.okta.com",
					"okta.client.authorization-mode=PrivateKey", "okta.client.client-id=0oa1",
					"okta.client.private-key=" + notAKey)
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("okta.client.private-key")
				.hasMessageContaining("PKCS#8")
				.message()
				.doesNotContain("TUlJQ0lnbm90YWtleWF0YWxsc2VjcmV0"));
	}

	@Test
	void theModeIsWrittenAsInOktasSdks() {
		this.runner
			.withPropertyValues("okta.client.org-url=https://example.okta.com", "okta.client.authorization-mode=SSWS",
					"okta.client.token=t0k3n")
			.run(context -> assertThat(context.getBean(OktaClientProperties.class).authorizationMode())
				.isEqualTo(OktaAuthorizationMode.SSWS));
		assertThat(this.app.settings(this.org, true)).containsEntry("okta.client.authorization-mode", "PrivateKey");
	}

	private static String[] properties(Map<String, String> settings) {
		List<String> properties = new ArrayList<>();
		settings.forEach((name, value) -> properties.add(name + "=" + value));
		return properties.toArray(String[]::new);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ OktaClientProperties.class, OktaTestingProperties.class,
			OktaPolicyProperties.class })
	static class Settings {

	}

	/**
	 * The okta module alone, started as the service starts (failure analyzers included).
	 */
	@Import({ OktaConfiguration.class, Settings.class })
	static class Minimal {

		@Bean
		MeterRegistry meterRegistry() {
			return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		}

		@Bean
		JsonMapper jsonMapper() {
			return JsonMapper.builder().build();
		}

	}

}
