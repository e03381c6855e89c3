package dev.factorhealer.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.factorhealer.fakeokta.FakeOktaOrg;

/**
 * The whole service on a random port against the shared real Kafka broker and the shared
 * fake Okta org, remediating live, with a fast call budget and short waits. Subclasses
 * that add no settings of their own share one application context;
 * {@code spring.test.context.cache.maxSize=1} closes a context before the next one
 * starts, so two never compete for the same consumer group.
 * <p>
 * The context's own System Log poller stays off: its calls would take the fake org's
 * one-shot faults ({@code failNext}, {@code throttleNextWithReset} apply to whichever
 * call comes next) and show in its call counts. The System Log tests start pollers of
 * their own on this context's beans, with the fast logs budget set here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0",
				"healer.hook.secrets=" + HttpTestSupport.SECRET + "," + HttpTestSupport.ROTATED_SECRET,
				"healer.remediation.mode=live", "healer.remediation.pause-after-delete=100ms",
				"healer.remediation.request-timeout=20s", "healer.okta.requests-per-minute=600",
				// the deletion ledger is shared by every test on the broker: the cap is
				// tested on a ledger of its own
				"healer.remediation.max-deletions-per-hour=100000", "healer.okta.initial-backoff=100ms",
				"healer.okta.max-backoff=1s", "healer.okta.circuit-open-for=2s", "healer.okta.read-timeout=1s",
				"healer.systemlog.enabled=false", "healer.systemlog.requests-per-minute=600",
				"healer.admin.token=" + IntegrationTestSupport.ADMIN_TOKEN })
public abstract class IntegrationTestSupport extends HttpTestSupport {

	public static final String ADMIN_TOKEN = "test-admin-qb55Q_0uCY8L6cXA5dEjiwYN4L68loKx";

	private static FakeOktaOrg okta;

	/** The fake Okta org every integration test talks to. */
	public static synchronized FakeOktaOrg okta() {
		if (okta == null) {
			okta = FakeOktaOrg.start();
			Runtime.getRuntime().addShutdownHook(new Thread(okta::close));
		}
		return okta;
	}

	@DynamicPropertySource
	static void kafkaAndOkta(DynamicPropertyRegistry registry) {
		registry.add("spring.kafka.bootstrap-servers", KafkaTestBroker::bootstrapServers);
		registry.add("okta.client.org-url", () -> okta().url());
		registry.add("okta.client.token", () -> okta().token());
		registry.add("okta.testing.disable-https-check", () -> "true");
	}

}
