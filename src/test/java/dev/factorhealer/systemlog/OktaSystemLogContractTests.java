package dev.factorhealer.systemlog;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

import dev.factorhealer.okta.LogPage;
import dev.factorhealer.okta.OktaException;
import dev.factorhealer.okta.OktaSystemLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the poller relies on from the okta module's {@link OktaSystemLog}, checked against
 * answers written by hand (a plain MockWebServer): the first query's encoding, events
 * sliced byte for byte, the {@code next} link followed exactly as given and never to
 * another host, errors as {@link OktaException}s, and a bucket of its own.
 */
class OktaSystemLogContractTests {

	private static final Instant SINCE = Instant.parse("2026-01-02T03:04:05.678123Z");

	private MockWebServer server;

	private String base;

	private ApplicationContextRunner runner;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new MockWebServer();
		this.server.start(InetAddress.getByName("127.0.0.1"), 0);
		this.base = "http://127.0.0.1:" + this.server.getPort();
		this.runner = new ApplicationContextRunner().withUserConfiguration(OktaModule.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(JsonMapper.class, () -> JsonMapper.builder().build())
			.withPropertyValues("okta.client.org-url=" + this.base, "okta.client.token=t0k3n",
					"okta.testing.disable-https-check=true", "healer.systemlog.requests-per-minute=6000",
					"healer.okta.initial-backoff=20ms", "healer.okta.max-backoff=100ms", "healer.okta.max-attempts=2");
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void startsAPollingQueryWithEveryValueEncodedAndFollowsTheNextLinkExactlyAsGiven() {
		String body = "[ {\"uuid\":\"a\",  \"eventType\":\"user.authentication.auth_via_mfa\",\"displayMessage\":\"Échec\","
				+ "\"published\":\"2026-01-02T03:05:00.001Z\",\"x\":[1, 2.50,{}]},\n{\"uuid\":\"b\",\"published\":\"2026-01-02T03:06:00Z\"} ]";
		String next = this.base + "/api/v1/logs?limit=2&filter=eventType%20eq%20%22x%22&after=c%2B1%2F2";
		this.server
			.enqueue(
					page(body)
						.addHeader("Link",
								"<" + this.base + "/api/v1/logs?after=self>; rel=\"self\", <" + next
										+ ">; rel=\"next\"")
						.build());
		this.server.enqueue(page("[]").addHeader("Link", "<" + next + ">; rel=next").build());
		String filter = "outcome.result eq \"FAILURE\" and (eventType eq \"a+b\" or eventType eq \"c&d\")";

		this.runner.run(context -> {
			OktaSystemLog log = context.getBean(OktaSystemLog.class);
			LogPage first = log.fetch(null, SINCE, filter, 2, in(Duration.ofSeconds(5))).value();
			LogPage second = log.fetch(first.next(), null, null, 0, in(Duration.ofSeconds(5))).value();

			RecordedRequest query = take();
			assertThat(query.getUrl().encodedPath()).isEqualTo("/api/v1/logs");
			assertThat(query.getUrl().queryParameterNames()).containsExactly("since", "filter", "limit");
			assertThat(query.getUrl().queryParameter("since")).isEqualTo("2026-01-02T03:04:05.678Z");
			assertThat(query.getUrl().queryParameter("filter")).isEqualTo(filter);
			assertThat(query.getUrl().queryParameter("limit")).isEqualTo("2");
			assertThat(query.getTarget()).contains("%2B").contains("%26").doesNotContain("+").doesNotContain(" ");
			assertThat(query.getHeaders().get("Authorization")).isEqualTo("SSWS t0k3n");
			assertThat(first.events()).extracting(LogPage.Event::uuid).containsExactly("a", "b");
			assertThat(new String(first.events().get(0).json(), StandardCharsets.UTF_8))
				.isEqualTo(body.substring(body.indexOf('{'), body.indexOf("},\n") + 1));
			assertThat(new String(first.events().get(1).json(), StandardCharsets.UTF_8))
				.isEqualTo("{\"uuid\":\"b\",\"published\":\"2026-01-02T03:06:00Z\"}");
			assertThat(first.newestPublished()).isEqualTo(Instant.parse("2026-01-02T03:06:00Z"));
			assertThat(first.next()).isEqualTo(URI.create(next));
			assertThat(take().getTarget()).isEqualTo(next.substring(this.base.length()));
			assertThat(second.events()).isEmpty();
			assertThat(second.next()).isEqualTo(URI.create(next));
		});
	}

	@Test
	void neverSendsTheTokenAlongANextLinkToAnotherHost() {
		this.server.enqueue(
				page("[]").addHeader("Link", "<https://elsewhere.example/api/v1/logs?after=x>; rel=\"next\"").build());

		this.runner.run(context -> {
			OktaSystemLog log = context.getBean(OktaSystemLog.class);
			LogPage page = log.fetch(null, SINCE, "eventType eq \"x\"", 10, in(Duration.ofSeconds(5))).value();

			assertThat(page.next()).as("a next link off the org is dropped").isNull();
			assertThatThrownBy(() -> log.fetch(URI.create("https://elsewhere.example/api/v1/logs?after=x"), null, null,
					0, in(Duration.ofSeconds(5))))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("Refusing to send the Okta API credentials");
			take();
			assertThat(this.server.takeRequest(200, TimeUnit.MILLISECONDS)).isNull();
		});
	}

	@Test
	void aRefusedQueryIsRejectedAndAnAnswerThatIsNoPageIsUnavailable() {
		this.server.enqueue(new MockResponse.Builder().code(400)
			.setHeader("Content-Type", "application/json")
			.body("{\"errorCode\":\"E0000031\",\"errorSummary\":\"Invalid search criteria.\",\"errorId\":\"oae1\"}")
			.build());
		this.server.enqueue(page("{\"not\":\"a page\"}").build());

		this.runner.run(context -> {
			OktaSystemLog log = context.getBean(OktaSystemLog.class);

			assertThatThrownBy(() -> log.fetch(null, SINCE, "bad", 10, in(Duration.ofSeconds(5))))
				.isInstanceOfSatisfying(OktaException.Rejected.class, ex -> {
					assertThat(ex.status()).isEqualTo(400);
					assertThat(ex.errorCode()).isEqualTo("E0000031");
					assertThat(ex.errorId()).isEqualTo("oae1");
				});
			assertThatThrownBy(() -> log.fetch(null, SINCE, null, 10, in(Duration.ofSeconds(5))))
				.isInstanceOf(OktaException.Unavailable.class)
				.hasMessageContaining("not a page of events");
		});
	}

	@Test
	void theSystemLogHasABucketOfItsOwnThatLeavesTheRemainingGaugeToTheFactorsBucket() {
		this.server.enqueue(page("[]").setHeader("X-Rate-Limit-Remaining", "3").build());

		this.runner.run(context -> {
			context.getBean(OktaSystemLog.class).fetch(null, SINCE, null, 10, in(Duration.ofSeconds(5)));

			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("resilience4j.ratelimiter.available.permissions").tag("name", "okta-logs").gauge())
				.isNotNull();
			assertThat(registry.get("resilience4j.circuitbreaker.state").tag("name", "okta-logs").gauges())
				.isNotEmpty();
			assertThat(registry.get("healer.okta.requests")
				.tags("operation", "list_logs", "status", "200")
				.timer()
				.count()).isEqualTo(1);
			// the logs bucket has gauges of its own: its answers never show as the
			// factors bucket's
			assertThat(registry.get("healer.okta.rate.limit.remaining").tag("bucket", "factors").gauge().value())
				.isNaN();
			assertThat(registry.get("healer.okta.rate.limit.limit").tag("bucket", "logs").gauge()).isNotNull();
		});
	}

	@Test
	void refusesASystemLogBudgetBelowTwoCallsPerMinute() {
		this.runner.withPropertyValues("healer.systemlog.requests-per-minute=1")
			.run(context -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("HEALER_SYSTEMLOG_REQUESTSPERMINUTE"));
	}

	private static MockResponse.Builder page(String body) {
		return new MockResponse.Builder().code(200)
			.setHeader("Content-Type", "application/json")
			.setHeader("X-Rate-Limit-Limit", "60")
			.setHeader("X-Rate-Limit-Remaining", "59")
			.body(body);
	}

	private RecordedRequest take() throws InterruptedException {
		RecordedRequest request = this.server.takeRequest(5, TimeUnit.SECONDS);
		assertThat(request).as("a request reached the server").isNotNull();
		return request;
	}

	private static Instant in(Duration duration) {
		return Instant.now().plus(duration);
	}

	/**
	 * The okta module as the application builds it, without the rest of the application.
	 */
	@Configuration(proxyBeanMethods = false)
	@ComponentScan("dev.factorhealer.okta")
	@ConfigurationPropertiesScan("dev.factorhealer.okta")
	static class OktaModule {

	}

}
