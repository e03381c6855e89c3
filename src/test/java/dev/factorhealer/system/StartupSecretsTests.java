package dev.factorhealer.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.factorhealer.FactorHealerApplication;
import dev.factorhealer.support.HttpTestSupport;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service refuses to start with a weak or placeholder secret (each value of
 * {@code .env.example}, short ones, low-entropy ones), names the setting and how to make
 * a good one, and never prints the rejected value.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupSecretsTests {

	static Stream<Arguments> weakSecrets() throws IOException {
		Map<String, String> example = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of(".env.example"))) {
			if (!line.startsWith("#") && line.contains("=")) {
				example.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
			}
		}
		return Stream.of(Arguments.of("healer.hook.secrets", example.get("HEALER_HOOK_SECRETS"), "placeholder"),
				Arguments.of("healer.admin.token", example.get("HEALER_ADMIN_TOKEN"), "placeholder"),
				Arguments.of("healer.hook.secrets", example.get("GRAFANA_ADMIN_PASSWORD"), "placeholder"),
				Arguments.of("healer.admin.token", example.get("OKTA_CLIENT_TOKEN"), "placeholder"),
				Arguments.of("healer.hook.secrets", "Zq8-short-Xv2", "shorter than 24"),
				Arguments.of("healer.admin.token", "abababababababababababababababab", "distinct"),
				Arguments.of("healer.hook.secrets", "aaaabbbbccccddddeeeeffffgggghhhhiiiijjjj", "predictable"));
	}

	@ParameterizedTest
	@MethodSource("weakSecrets")
	void startUpIsRefused(String setting, String value, String why, CapturedOutput output) {
		assertThat(value).isNotBlank();
		List<String> args = new ArrayList<>(
				List.of("--spring.kafka.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
						"--okta.client.org-url=http://127.0.0.1:9", "--okta.client.token=not-used-here",
						"--okta.testing.disable-https-check=true", "--server.port=0", "--management.server.port=0",
						"--healer.systemlog.enabled=false", "--spring.cloud.function.definition=",
						"--spring.cloud.stream.function.autodetect=false"));
		args.add("--healer.hook.secrets=" + (setting.equals("healer.hook.secrets") ? value : HttpTestSupport.SECRET));
		args.add("--healer.admin.token="
				+ (setting.equals("healer.admin.token") ? value : IntegrationTestSupport.ADMIN_TOKEN));

		assertThatThrownBy(
				() -> new SpringApplicationBuilder(FactorHealerApplication.class).run(args.toArray(String[]::new))
					.close())
			.satisfies((ex) -> {
				Throwable cause = ex;
				while (!(cause instanceof SecretStrength.WeakSecretException) && cause.getCause() != null) {
					cause = cause.getCause();
				}
				assertThat(cause).isInstanceOf(SecretStrength.WeakSecretException.class);
				assertThat(cause.getMessage()).startsWith(setting)
					.contains(why)
					.contains("openssl rand -base64 32")
					.doesNotContain(value);
			});
		assertThat(output.getAll()).contains(setting).contains("openssl rand -base64 32").doesNotContain(value);
	}

}
