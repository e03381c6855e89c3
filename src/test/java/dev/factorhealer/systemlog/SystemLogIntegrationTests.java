package dev.factorhealer.systemlog;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaAdmin;

import dev.factorhealer.events.OktaEventHeaders;
import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.fakeokta.RecordedCall;
import dev.factorhealer.okta.LogPage;
import dev.factorhealer.okta.OktaAnswer;
import dev.factorhealer.okta.OktaException;
import dev.factorhealer.okta.OktaSystemLog;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.IntegrationTestSupport;
import dev.factorhealer.support.KafkaTestBroker;
import dev.factorhealer.support.Results;
import dev.factorhealer.support.TopicProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The System Log poller against the fake Okta org and the shared broker, on the shared
 * context's pipeline (detection, remediation) and beans. Each test runs pollers of its
 * own with a cursor topic and lease group of its own, so tests never share a position;
 * the fake's log is shared, so every assertion is about the test's own event uuids.
 */
class SystemLogIntegrationTests extends IntegrationTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Duration INTERVAL = Duration.ofMillis(500);

	@Autowired
	private OktaSystemLog oktaSystemLog;

	@Autowired
	private OktaEventPublisher publisher;

	@Autowired
	private KafkaProperties kafka;

	@Autowired
	private KafkaAdmin admin;

	@Autowired
	private MeterRegistry contextRegistry;

	private final List<SystemLogPoller> pollers = new ArrayList<>();

	private TopicProbe events;

	private TopicProbe results;

	@BeforeEach
	void open() {
		okta().recover();
		this.events = TopicProbe.open("okta.events");
		this.results = TopicProbe.open("okta.remediation.results");
	}

	@AfterEach
	void close() {
		this.pollers.forEach(SystemLogPoller::stop);
		okta().recover();
		this.events.close();
		this.results.close();
	}

	@Test
	void aStuckUserSeenOnlyInTheSystemLogIsHealed() {
		String user = okta().seedStuckUsers(1).get(0);
		String uuid = okta().appendStuckSmsEvent(user);
		PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

		start("heal", this.oktaSystemLog, newCursorTopic(), newLeaseGroup(), meters);

		JsonNode result = Results.awaitForUser(this.results, user, 1).get(0);
		assertThat(result.get("outcome").asString()).isEqualTo("DELETED");
		assertThat(result.get("sourceEventUuid").asString()).isEqualTo(uuid);
		assertThat(okta().deletes()).filteredOn(c -> c.path().contains("/users/" + user + "/")).hasSize(1);
		ConsumerRecord<String, byte[]> record = this.events.awaitRecords(1, r -> isEvent(r, uuid)).get(0);
		assertThat(TopicProbe.header(record, OktaEventHeaders.SOURCE)).isEqualTo("systemlog");
		assertThat(TopicProbe.header(record, OktaEventHeaders.DELIVERY_ID)).startsWith("systemlog:");
		assertThat(TopicProbe.header(record, OktaEventHeaders.EVENT_TYPE))
			.isEqualTo("system.sms.send_factor_verify_message");
		assertThat(record.key()).isEqualTo(user);
		assertThat(json.readTree(record.value())).isEqualTo(logEvent(uuid));
		String scrape = meters.scrape();
		assertThat(scrape).containsPattern("healer_systemlog_events_total [1-9]")
			.containsPattern("healer_systemlog_polls_total\\{status=\"200\"} [1-9]")
			.contains("healer_systemlog_lag_seconds ");
		assertThat(meters.get(SystemLogMetrics.LAG).gauge().value()).isBetween(0.0, 60.0);
	}

	@Test
	void anEventBothHookedAndPolledHealsOnce() {
		String user = okta().seedStuckUsers(1).get(0);
		String uuid = okta().appendStuckSmsEvent(user);
		double duplicatesBefore = duplicateEvents();

		assertThat(postHook(Deliveries.delivery(Deliveries.newUuid(), List.of(logEvent(uuid).toString())), SECRET)
			.statusCode()).isEqualTo(200);
		start("overlap", this.oktaSystemLog, newCursorTopic(), newLeaseGroup(), new SimpleMeterRegistry());

		List<ConsumerRecord<String, byte[]>> both = this.events.awaitRecords(2, r -> isEvent(r, uuid));
		assertThat(both).extracting(r -> TopicProbe.header(r, OktaEventHeaders.SOURCE))
			.containsExactlyInAnyOrder("hook", "systemlog");
		assertThat(Results.awaitForUser(this.results, user, 1).get(0).get("outcome").asString()).isEqualTo("DELETED");
		await().atMost(Duration.ofSeconds(20)).until(() -> duplicateEvents() > duplicatesBefore);
		assertThat(this.results.settle(Duration.ofSeconds(2))).filteredOn(r -> user.equals(r.key())).hasSize(1);
		assertThat(okta().deletes()).filteredOn(c -> c.path().contains("/users/" + user + "/")).hasSize(1);
	}

	@Test
	void aRestartedPollerContinuesWhereItStoppedWithNoEventTwiceAndNoneSkipped() {
		String topic = newCursorTopic();
		String group = newLeaseGroup();
		List<String> before = List.of(appendFailure(), appendFailure());
		SystemLogPoller first = start("before-restart", this.oktaSystemLog, topic, group, new SimpleMeterRegistry());
		awaitPolled(before);

		first.stop();
		List<String> after = List.of(appendFailure(), appendFailure(), appendFailure());
		SystemLogPoller second = start("after-restart", this.oktaSystemLog, topic, group, new SimpleMeterRegistry());
		awaitPolled(after);

		await().atMost(Duration.ofSeconds(10)).until(() -> second.isLeading() && second.cursor() != null);
		List<ConsumerRecord<String, byte[]>> polled = this.events.settle(Duration.ofSeconds(2));
		for (String uuid : concat(before, after)) {
			assertThat(polled).as(uuid).filteredOn(r -> isEvent(r, uuid) && isPolled(r)).hasSize(1);
		}
	}

	@Test
	void onlyTheReplicaHoldingTheLeasePollsAndAnotherTakesOverWhenItStops() throws Exception {
		String topic = newCursorTopic();
		String group = newLeaseGroup();
		CountingSystemLog firstCalls = new CountingSystemLog(this.oktaSystemLog);
		CountingSystemLog secondCalls = new CountingSystemLog(this.oktaSystemLog);
		SystemLogPoller first = start("replica-1", firstCalls, topic, group, new SimpleMeterRegistry());
		await().atMost(Duration.ofSeconds(20)).until(first::isLeading);
		SystemLogPoller second = start("replica-2", secondCalls, topic, group, new SimpleMeterRegistry());
		awaitMembers(group, 2);

		String whileBoth = appendFailure();
		awaitPolled(List.of(whileBoth));
		int firstBefore = firstCalls.count();
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(4))
			.until(() -> secondCalls.count() == 0 && !second.isLeading() && first.isLeading());
		assertThat(firstCalls.count()).as("the lease holder keeps polling").isGreaterThan(firstBefore);

		first.stop();
		await().atMost(Duration.ofSeconds(20)).until(second::isLeading);
		int firstAfterStop = firstCalls.count();
		String afterTakeOver = appendFailure();
		awaitPolled(List.of(afterTakeOver));

		assertThat(secondCalls.count()).isPositive();
		assertThat(firstCalls.count()).isEqualTo(firstAfterStop);
		List<ConsumerRecord<String, byte[]>> polled = this.events.settle(Duration.ofSeconds(1));
		for (String uuid : List.of(whileBoth, afterTakeOver)) {
			assertThat(polled).as(uuid).filteredOn(r -> isEvent(r, uuid) && isPolled(r)).hasSize(1);
		}
	}

	@Test
	void a429FromTheLogsEndpointIsWaitedOutUntilItsReset() {
		String uuid = appendFailure();
		Instant from = Instant.now();
		okta().throttleNextWithReset(Duration.ofSeconds(2));

		start("throttled", this.oktaSystemLog, newCursorTopic(), newLeaseGroup(), new SimpleMeterRegistry());
		awaitPolled(List.of(uuid));

		List<RecordedCall> logCalls = okta().calls()
			.stream()
			.filter(c -> c.path().equals("/api/v1/logs") && c.receivedAt().isAfter(from))
			.toList();
		RecordedCall throttled = logCalls.get(0);
		assertThat(throttled.throttled()).as("the first System Log call gets the 429").isTrue();
		// X-Rate-Limit-Reset is at least 2 s after the throttled call (the fake rounds it
		// up)
		Instant reset = throttled.receivedAt().plus(Duration.ofMillis(1950));
		assertThat(logCalls.subList(1, logCalls.size())).as("no System Log call before X-Rate-Limit-Reset")
			.isNotEmpty()
			.allSatisfy(c -> assertThat(c.receivedAt()).isAfter(reset));
	}

	@Test
	void aNextLinkOktaRefusesStartsANewQueryFromThePositionAndLosesNothing() {
		AtomicBoolean refused = new AtomicBoolean();
		OktaSystemLog refusesOneLink = (next, since, filter, limit, deadline) -> {
			if (next != null && refused.compareAndSet(false, true)) {
				throw new OktaException.Rejected("Okta list_logs next page was rejected: 400 E0000001", 400, "E0000001",
						"oaeTest", 1);
			}
			return this.oktaSystemLog.fetch(next, since, filter, limit, deadline);
		};
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		String before = appendFailure();

		start("refused-link", refusesOneLink, newCursorTopic(), newLeaseGroup(), meters);
		awaitPolled(List.of(before));
		await().atMost(Duration.ofSeconds(10)).until(refused::get);
		String after = appendFailure();

		awaitPolled(List.of(after));
		assertThat(meters.get(SystemLogMetrics.POLLS).tag("status", "400").counter().count()).isEqualTo(1);
		// the poll is counted once its cursor is written, just after its events are
		// acknowledged
		await().atMost(Duration.ofSeconds(5))
			.until(() -> meters.get(SystemLogMetrics.POLLS).tag("status", "200").counter().count() >= 2);
	}

	@Test
	void aLogPageHoldsTheEventsExactlyAsOktaSentThemAndTheNextLinkToFollow() {
		String uuid = appendFailure();
		Instant since = Instant.now().minus(Duration.ofMinutes(1));
		String filter = "eventType eq \"user.authentication.auth_via_mfa\" and outcome.result eq \"FAILURE\"";

		OktaAnswer<LogPage> first = this.oktaSystemLog.fetch(null, since, filter, 1000, Instant.now().plusSeconds(10));
		OktaAnswer<LogPage> next = this.oktaSystemLog.fetch(first.value().next(), null, null, 0,
				Instant.now().plusSeconds(10));

		LogPage page = first.value();
		assertThat(page.request().getRawPath()).isEqualTo("/api/v1/logs");
		assertThat(page.request().getQuery()).contains("filter=" + filter)
			.contains("limit=1000")
			.doesNotContain("until");
		assertThat(page.events()).filteredOn(e -> uuid.equals(e.uuid())).singleElement().satisfies(event -> {
			assertThat(json.readTree(event.json())).isEqualTo(logEvent(uuid));
			assertThat(event.eventType()).isEqualTo("user.authentication.auth_via_mfa");
		});
		assertThat(page.next()).isNotNull();
		assertThat(page.next().toString()).startsWith(okta().url() + "/api/v1/logs?").contains("after=");
		assertThat(next.value().request()).isEqualTo(page.next());
		assertThat(next.value().events()).noneMatch(e -> uuid.equals(e.uuid()));
	}

	// ------------------------------------------------------------------ helpers

	private SystemLogPoller start(String name, OktaSystemLog client, String cursorTopic, String leaseGroup,
			MeterRegistry registry) {
		SystemLogProperties settings = settings(Map.of("interval", INTERVAL.toMillis() + "ms", "page-timeout", "20s",
				"publish-timeout", "5s", "lease-group", leaseGroup));
		SystemLogPoller poller = SystemLogConfiguration.poller(name, cursorTopic, settings, client, this.publisher,
				this.kafka, this.admin, json, registry, SystemLogConfiguration.cursorKey(okta().url()));
		this.pollers.add(poller);
		poller.start();
		return poller;
	}

	static SystemLogProperties settings(Map<String, String> settings) {
		Map<String, String> prefixed = new HashMap<>();
		settings.forEach((key, value) -> prefixed.put("healer.systemlog." + key, value));
		return new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate("healer.systemlog",
				SystemLogProperties.class);
	}

	/**
	 * A failed MFA check (in the default filter) that is not the stuck-factor error:
	 * nothing to heal.
	 */
	private static String appendFailure() {
		String uuid = UUID.randomUUID().toString();
		String user = Deliveries.newUserId();
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("uuid", uuid);
		event.put("published", Instant.now().toString());
		event.put("eventType", "user.authentication.auth_via_mfa");
		event.put("version", "0");
		event.put("severity", "WARN");
		event.put("displayMessage", "Authentication of user via MFA");
		event.put("actor", Map.of("id", user, "type", "User", "alternateId", user + "@example.com"));
		event.put("outcome", Map.of("result", "FAILURE", "reason", "INVALID_CREDENTIALS"));
		event.put("target", List.of(Map.of("id", user, "type", "User")));
		event.put("futureField", Map.of("kept", List.of(1, 2.5, true)));
		return okta().appendLogEvent(event);
	}

	private static JsonNode logEvent(String uuid) {
		return okta().logEvents().stream().filter(e -> uuid.equals(e.get("uuid").asString())).findFirst().orElseThrow();
	}

	private void awaitPolled(List<String> uuids) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> uuids.stream()
				.allMatch(uuid -> !this.events.records(r -> isEvent(r, uuid) && isPolled(r)).isEmpty()));
	}

	private static void awaitMembers(String group, int members) throws Exception {
		try (Admin kafkaAdmin = Admin.create(Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()))) {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> kafkaAdmin.describeConsumerGroups(Set.of(group))
					.describedGroups()
					.get(group)
					.get()
					.members()
					.size() == members);
		}
	}

	private static boolean isEvent(ConsumerRecord<String, byte[]> record, String uuid) {
		return uuid.equals(TopicProbe.header(record, OktaEventHeaders.EVENT_UUID));
	}

	private static boolean isPolled(ConsumerRecord<String, byte[]> record) {
		return "systemlog".equals(TopicProbe.header(record, OktaEventHeaders.SOURCE));
	}

	private double duplicateEvents() {
		Counter counter = this.contextRegistry.find("healer.detection.duplicates").tag("reason", "event").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static String newCursorTopic() {
		return "okta.systemlog.cursor.test-" + UUID.randomUUID();
	}

	private static String newLeaseGroup() {
		return "healer-systemlog-lease-test-" + UUID.randomUUID();
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	/** The real client, counting the pages one poller asks for. */
	private static final class CountingSystemLog implements OktaSystemLog {

		private final OktaSystemLog delegate;

		private final AtomicInteger calls = new AtomicInteger();

		CountingSystemLog(OktaSystemLog delegate) {
			this.delegate = delegate;
		}

		@Override
		public OktaAnswer<LogPage> fetch(URI next, Instant since, String filter, int limit, Instant deadline) {
			this.calls.incrementAndGet();
			return this.delegate.fetch(next, since, filter, limit, deadline);
		}

		int count() {
			return this.calls.get();
		}

	}

}
