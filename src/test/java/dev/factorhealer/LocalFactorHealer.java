package dev.factorhealer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.FakeServiceApp;

/**
 * The embedded default ({@code ./mvnw spring-boot:test-run}): the real service, plus a
 * real in-process KRaft Kafka broker when no {@code spring.kafka.bootstrap-servers} is
 * configured and a local Okta sandbox seeded with demo users when no
 * {@code okta.client.org-url} is configured. Prints the hook URL and a ready
 * {@code curl}. The sandbox takes the SSWS API token by default;
 * {@code -Dhealer.local.okta-mode=PrivateKey} (or
 * {@code HEALER_LOCAL_OKTAMODE=PrivateKey}) makes it register a service app with a fresh
 * key instead, and the service then gets DPoP-bound access tokens from the sandbox's
 * authorization server, as from a real org.
 */
public final class LocalFactorHealer {

	private static final Logger log = LoggerFactory.getLogger(LocalFactorHealer.class);

	/**
	 * The hook secret of local runs; shown in the README, never used when secrets are
	 * configured.
	 */
	static final String DEMO_SECRET = "local-demo-sUf72W7qv5RlpZ_iyAkjJdcUPI5KsS5u";

	/**
	 * The admin token of local runs (kill switch, replay); never used when a token is
	 * configured.
	 */
	static final String DEMO_ADMIN_TOKEN = "local-admin-Vq4mT8zR2xK6pW9sN3bJ7dF5hL1cY0aE";

	/**
	 * Selects how the service authenticates to the local sandbox: {@code SSWS} (default)
	 * or {@code PrivateKey}.
	 */
	static final String OKTA_MODE = "healer.local.okta-mode";

	/** Port of the local Okta sandbox. */
	static final int SANDBOX_PORT = 8089;

	private LocalFactorHealer() {
	}

	public static void main(String[] args) {
		// the embedded broker and the Kafka clients are chatty at INFO; a newcomer wants
		// the healer's lines
		for (String logger : new String[] { "kafka", "org.apache.kafka", "state.change.logger",
				"org.springframework.kafka", "org.springframework.cloud.stream" }) {
			System.setProperty("logging.level." + logger, System.getProperty("logging.level." + logger, "WARN"));
		}
		SpringApplication application = new SpringApplication(FactorHealerApplication.class);
		LocalParts parts = new LocalParts();
		application.addListeners(event -> {
			if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
				parts.start(prepared.getEnvironment());
			}
			else if (event instanceof ApplicationReadyEvent ready) {
				parts.printWelcome(ready.getApplicationContext().getEnvironment());
			}
		});
		Runtime.getRuntime().addShutdownHook(new Thread(parts::stop, "local-parts-stop"));
		application.run(args);
	}

	private static final class LocalParts {

		private EmbeddedKafkaKraftBroker kafka;

		private FakeOktaOrg sandbox;

		private boolean demoSecret;

		private boolean demoAdminToken;

		void start(ConfigurableEnvironment environment) {
			Map<String, Object> local = new HashMap<>();
			if (!environment.containsProperty("spring.kafka.bootstrap-servers")) {
				this.kafka = new EmbeddedKafkaKraftBroker(1, 3);
				this.kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
				this.kafka.afterPropertiesSet();
				local.put("spring.kafka.bootstrap-servers", this.kafka.getBrokersAsString());
				// one local broker: one copy of each partition
				local.put("healer.topics.replication-factor", "1");
				local.put("healer.topics.min-insync-replicas", "1");
				log.info("No spring.kafka.bootstrap-servers set: started an embedded KRaft Kafka broker at {}",
						this.kafka.getBrokersAsString());
			}
			if (!environment.containsProperty("okta.client.org-url")) {
				this.sandbox = FakeOktaOrg.start(SANDBOX_PORT).seedDemo();
				if ("PrivateKey".equalsIgnoreCase(environment.getProperty(OKTA_MODE, "SSWS"))) {
					FakeServiceApp app = FakeServiceApp.rsa();
					Set<String> scopes = new HashSet<>(FakeServiceApp.DEFAULT_SCOPES);
					scopes.add("okta.eventHooks.manage");
					app.registerWith(this.sandbox, scopes, true);
					local.putAll(app.settings(this.sandbox, true));
					log.info(
							"Local Okta sandbox: the service authenticates as the service app {} (private_key_jwt, DPoP)",
							app.clientId());
				}
				else {
					local.put("okta.client.org-url", this.sandbox.url());
					local.put("okta.client.token", this.sandbox.token());
				}
				local.put("okta.testing.disable-https-check", "true");
				local.put("healer.remediation.mode", "live");
				log.info("No okta.client.org-url set: started a local Okta sandbox at {} with demo users "
						+ "{} (SMS factor stuck in PENDING_ACTIVATION) and {} (SMS factor ACTIVE); remediation runs live "
						+ "against it", this.sandbox.url(), FakeOktaOrg.DEMO_ANA_USER_ID, FakeOktaOrg.DEMO_LI_USER_ID);
			}
			if (!environment.containsProperty("healer.hook.secrets")) {
				local.put("healer.hook.secrets", DEMO_SECRET);
				this.demoSecret = true;
			}
			if (!environment.containsProperty("healer.admin.token")) {
				local.put("healer.admin.token", DEMO_ADMIN_TOKEN);
				this.demoAdminToken = true;
			}
			environment.getPropertySources().addFirst(new MapPropertySource("local-embedded-default", local));
		}

		void printWelcome(ConfigurableEnvironment environment) {
			String port = environment.getProperty("local.server.port", "8080");
			String managementPort = environment.getProperty("local.management.port",
					environment.getProperty("management.server.port", port));
			String hook = "http://localhost:" + port + "/hooks/okta";
			String secret = this.demoSecret ? DEMO_SECRET : "<your configured hook secret>";
			String sample = Path.of("src/test/resources/sample-delivery.json").toAbsolutePath().normalize().toString();
			log.info(
					"""

							==> okta-factor-healer is ready
							    hook URL:  {}
							    try it:    curl -i -X POST {} -H 'Authorization: {}' -H 'Content-Type: application/json' --data-binary @{}
							    metrics:   http://localhost:{}/actuator/prometheus (management port: actuator, /admin/*)
							    mode:      curl -s http://localhost:{}/admin/mode -H 'Authorization: Bearer {}'{}
							""",
					hook, hook, secret, sample, managementPort, managementPort,
					this.demoAdminToken ? DEMO_ADMIN_TOKEN : "<your configured admin token>",
					this.sandbox == null ? "" : "\n    sandbox:   " + this.sandbox.url() + "/api/v1/users/"
							+ FakeOktaOrg.DEMO_ANA_USER_ID + "/factors (SSWS " + this.sandbox.token() + ")");
		}

		void stop() {
			if (this.sandbox != null) {
				this.sandbox.close();
			}
			if (this.kafka != null) {
				this.kafka.destroy();
			}
		}

	}

}
