package dev.factorhealer.fakeokta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FakeOktaOrgTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String ANA = FakeOktaOrg.DEMO_ANA_USER_ID;

	private static final String ANA_SMS = FakeOktaOrg.DEMO_ANA_SMS_FACTOR_ID;

	private static final String ANA_FACTORS = "/api/v1/users/" + ANA + "/factors";

	private static final String ANA_SMS_PATH = ANA_FACTORS + "/" + ANA_SMS;

	private static final Pattern LINK = Pattern.compile("<([^>]*)>;\\s*rel=\"([^\"]*)\"");

	private final HttpClient http = newClient();

	private FakeOktaOrg org;

	@BeforeEach
	void startOrg() {
		org = FakeOktaOrg.start();
	}

	@AfterEach
	void stopOrg() {
		org.close();
	}

	// ------------------------------------------------------------------ factors

	@Test
	void listsAUsersFactorsWithOktaFieldNames() throws Exception {
		org.seedDemo();

		HttpResponse<String> response = get(ANA_FACTORS);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		JsonNode factors = json(response);
		assertThat(factors.isArray()).isTrue();
		assertThat(factors.size()).isEqualTo(2);
		JsonNode sms = factors.get(0);
		assertThat(fieldNames(sms)).containsExactly("id", "factorType", "provider", "vendorName", "status", "created",
				"lastUpdated", "profile", "_links");
		assertThat(sms.get("id").stringValue()).isEqualTo(ANA_SMS);
		assertThat(sms.get("factorType").stringValue()).isEqualTo("sms");
		assertThat(sms.get("provider").stringValue()).isEqualTo("OKTA");
		assertThat(sms.get("status").stringValue()).isEqualTo("PENDING_ACTIVATION");
		assertThat(sms.at("/profile/phoneNumber").stringValue()).matches("\\+[1-9]\\d{6,14}");
		assertThat(Instant.parse(sms.get("created").stringValue())).isBeforeOrEqualTo(Instant.now());
		assertThat(sms.at("/_links/self/href").stringValue()).isEqualTo(org.url() + ANA_SMS_PATH);
		assertThat(sms.at("/_links/activate/href").stringValue()).endsWith("/lifecycle/activate");
		JsonNode push = factors.get(1);
		assertThat(push.get("factorType").stringValue()).isEqualTo("push");
		assertThat(push.get("status").stringValue()).isEqualTo("ACTIVE");

		JsonNode li = json(get("/api/v1/users/" + FakeOktaOrg.DEMO_LI_USER_ID + "/factors"));
		assertThat(li.size()).isEqualTo(1);
		assertThat(li.get(0).get("factorType").stringValue()).isEqualTo("sms");
		assertThat(li.get(0).get("status").stringValue()).isEqualTo("ACTIVE");

		JsonNode single = json(get(ANA_SMS_PATH));
		assertThat(single.get("id").stringValue()).isEqualTo(ANA_SMS);
	}

	@Test
	void seedsStuckUsersWithAPendingSmsAndAnActiveEmailFactor() throws Exception {
		List<String> ids = org.seedStuckUsers(3);

		assertThat(ids).hasSize(3).doesNotHaveDuplicates().allMatch(id -> id.startsWith("00u") && id.length() == 20);
		for (String id : ids) {
			assertThat(org.factors(id)).extracting(FakeFactor::factorType, FakeFactor::status)
				.containsExactly(tuple("sms", "PENDING_ACTIVATION"), tuple("email", "ACTIVE"));
			JsonNode factors = json(get("/api/v1/users/" + id + "/factors"));
			assertThat(factors.get(0).at("/profile/phoneNumber").stringValue()).startsWith("+");
			assertThat(factors.get(1).at("/profile/email").stringValue()).isEqualTo(id + "@example.com");
		}
	}

	@Test
	void deleteAnswers204AndASecondDeleteOfTheSameFactorAnswers404() throws Exception {
		org.seedDemo();

		HttpResponse<String> first = delete(ANA_SMS_PATH);
		HttpResponse<String> second = delete(ANA_SMS_PATH);

		assertThat(first.statusCode()).isEqualTo(204);
		assertThat(first.body()).isEmpty();
		assertThat(org.factorStatus(ANA, ANA_SMS)).isEmpty();
		assertThat(org.factors(ANA)).extracting(FakeFactor::factorType).containsExactly("push");
		assertThat(second.statusCode()).isEqualTo(404);
		assertOktaError(second, "E0000007", "Not found: Resource not found: " + ANA_SMS + " (UserFactor)");
		assertThat(org.deleteCount()).isEqualTo(2);
		assertThat(org.deletes()).extracting(RecordedCall::status).containsExactly(204, 404);
		assertThat(org.factorsRemovedCount()).isEqualTo(1);
	}

	@Test
	void unknownUserAnswers404WithTheUserNotFoundSummary() throws Exception {
		HttpResponse<String> list = get("/api/v1/users/00uNoSuchUser0000000/factors");
		HttpResponse<String> delete = delete("/api/v1/users/00uNoSuchUser0000000/factors/sms000");

		assertThat(list.statusCode()).isEqualTo(404);
		assertOktaError(list, "E0000007", "Not found: Resource not found: 00uNoSuchUser0000000 (User)");
		assertThat(delete.statusCode()).isEqualTo(404);
		assertOktaError(delete, "E0000007", "Not found: Resource not found: 00uNoSuchUser0000000 (User)");
	}

	@Test
	void unknownPathsAnswer404AndWrongMethodsAnswer405() throws Exception {
		org.seedDemo();

		HttpResponse<String> unknown = get("/api/v1/users/" + ANA);
		HttpResponse<String> post = send("POST", ANA_FACTORS, "SSWS " + org.token());

		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(json(unknown).get("errorCode").stringValue()).isEqualTo("E0000007");
		assertThat(post.statusCode()).isEqualTo(405);
		assertThat(post.headers().firstValue("Allow")).hasValue("GET");
	}

	@Test
	void missingOrWrongTokenAnswers401AndChangesNothing() throws Exception {
		org.seedDemo();

		HttpResponse<String> missing = send("DELETE", ANA_SMS_PATH, null);
		HttpResponse<String> wrong = send("DELETE", ANA_SMS_PATH, "SSWS not-the-token");
		HttpResponse<String> bearer = send("GET", ANA_FACTORS, "Bearer " + org.token());

		for (HttpResponse<String> response : List.of(missing, wrong, bearer)) {
			assertThat(response.statusCode()).isEqualTo(401);
			assertOktaError(response, "E0000011", "Invalid token provided");
			assertRateLimitHeaders(response);
		}
		assertThat(org.factorStatus(ANA, ANA_SMS)).hasValue("PENDING_ACTIVATION");
		assertThat(org.calls()).extracting(RecordedCall::authorizationPresent).containsExactly(false, true, true);
		assertThat(org.calls()).noneMatch(RecordedCall::authorizationValid).noneMatch(RecordedCall::accepted);
		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(200);
		assertThat(org.calls().get(3).authorizationValid()).isTrue();
	}

	@Test
	void deactivatedUsersFactorsCannotBeUnenrolled() throws Exception {
		org.seedDemo().deactivateUser(ANA);

		HttpResponse<String> delete = delete(ANA_SMS_PATH);

		assertThat(delete.statusCode()).isEqualTo(403);
		assertThat(json(delete).get("errorCode").stringValue()).isEqualTo("E0000006");
		assertThat(org.factorStatus(ANA, ANA_SMS)).hasValue("PENDING_ACTIVATION");
		assertThat(org.userStatus(ANA)).hasValue("DEPROVISIONED");
		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(200);
	}

	@Test
	void removeRecoveryEnrollmentIsRecordedAndHonoured() throws Exception {
		org.seedDemo();
		String li = FakeOktaOrg.DEMO_LI_USER_ID;
		String liSms = "/api/v1/users/" + li + "/factors/" + FakeOktaOrg.DEMO_LI_SMS_FACTOR_ID;
		assertThat(org.recoveryPhone(ANA)).hasValue("+15555550101");

		HttpResponse<String> invalid = delete(ANA_SMS_PATH + "?removeRecoveryEnrollment=maybe");
		HttpResponse<String> withRecovery = delete(ANA_SMS_PATH + "?removeRecoveryEnrollment=true");
		HttpResponse<String> withoutRecovery = delete(liSms + "?removeRecoveryEnrollment=false");

		assertThat(invalid.statusCode()).isEqualTo(400);
		assertThat(withRecovery.statusCode()).isEqualTo(204);
		assertThat(withoutRecovery.statusCode()).isEqualTo(204);
		assertThat(org.recoveryPhone(ANA)).isEmpty();
		assertThat(org.recoveryPhone(li)).hasValue("+15555550102");
		assertThat(org.deletes()).extracting(c -> c.queryParameter("removeRecoveryEnrollment").orElse(null))
			.containsExactly("maybe", "true", "false");
		assertThat(org.deletes().get(1).query()).isEqualTo("removeRecoveryEnrollment=true");
	}

	// ------------------------------------------------------------------ rate limits

	@Test
	void everyAnswerCarriesRateLimitAndDateHeaders() throws Exception {
		org.seedDemo();

		List<HttpResponse<String>> responses = List.of(get(ANA_FACTORS), delete(ANA_SMS_PATH),
				get("/api/v1/users/00uUnknown/factors"), get("/api/v1/nothing/here"), send("GET", ANA_FACTORS, null),
				get("/api/v1/logs"));

		for (HttpResponse<String> response : responses) {
			assertRateLimitHeaders(response);
		}
		HttpResponse<String> first = responses.get(0);
		assertThat(first.headers().firstValue("X-Rate-Limit-Limit")).hasValue("600");
		assertThat(first.headers().firstValue("X-Rate-Limit-Remaining")).hasValue("599");
		assertThat(responses.get(3).headers().firstValue("X-Rate-Limit-Remaining")).hasValue("596");
		assertThat(responses.get(4).headers().firstValue("X-Rate-Limit-Remaining")).hasValue("596");
		assertThat(responses.get(5).headers().firstValue("X-Rate-Limit-Limit")).hasValue("60");
	}

	@Test
	void callsPastTheLimitGet429WithResetInTheFutureAndAFreshWindowStartsAfterIt() throws Exception {
		Duration window = Duration.ofSeconds(1);
		org.seedDemo().rateLimit(3, window);

		for (int i = 0; i < 3; i++) {
			HttpResponse<String> ok = get(ANA_FACTORS);
			assertThat(ok.statusCode()).isEqualTo(200);
			assertThat(ok.headers().firstValue("X-Rate-Limit-Limit")).hasValue("3");
			assertThat(ok.headers().firstValue("X-Rate-Limit-Remaining")).hasValue(String.valueOf(2 - i));
		}
		HttpResponse<String> throttled = get(ANA_FACTORS);

		assertThat(throttled.statusCode()).isEqualTo(429);
		assertOktaError(throttled, "E0000047", "API call exceeded rate limit due to too many requests.");
		assertThat(throttled.headers().firstValue("X-Rate-Limit-Remaining")).hasValue("0");
		long reset = resetOf(throttled);
		Instant windowStart = org.calls().get(0).receivedAt();
		// the window starts at the first call, not at a clock boundary
		assertThat(reset).isEqualTo(RateLimitWindow.ceilEpochSeconds(windowStart.plus(window)));
		assertThat(reset).isGreaterThan(dateOf(throttled).toEpochSecond());
		assertThat(reset * 1000).isGreaterThan(org.calls().get(3).receivedAt().toEpochMilli());
		assertThat(org.throttledCount()).isEqualTo(1);
		assertThat(org.calls().get(3).fault()).isEqualTo(RecordedCall.Fault.RATE_LIMITED);

		await().atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> System.currentTimeMillis() >= reset * 1000);
		HttpResponse<String> fresh = get(ANA_FACTORS);

		assertThat(fresh.statusCode()).isEqualTo(200);
		assertThat(fresh.headers().firstValue("X-Rate-Limit-Remaining")).hasValue("2");
		assertThat(resetOf(fresh)).isGreaterThan(reset);
	}

	@Test
	void logsHaveTheirOwnBucket() throws Exception {
		org.seedDemo().logsRateLimit(1, Duration.ofMinutes(1));

		HttpResponse<String> firstLogs = get("/api/v1/logs");
		HttpResponse<String> secondLogs = get("/api/v1/logs");
		HttpResponse<String> factors = get(ANA_FACTORS);

		assertThat(firstLogs.statusCode()).isEqualTo(200);
		assertThat(secondLogs.statusCode()).isEqualTo(429);
		assertThat(secondLogs.headers().firstValue("X-Rate-Limit-Limit")).hasValue("1");
		assertThat(factors.statusCode()).isEqualTo(200);
		assertThat(factors.headers().firstValue("X-Rate-Limit-Remaining")).hasValue("599");
		assertThat(org.calls()).extracting(RecordedCall::bucket)
			.containsExactly(RateLimitBucket.LOGS, RateLimitBucket.LOGS, RateLimitBucket.USERS);
	}

	@Test
	void slidingWindowCountFindsTheBusiestIntervalOfAcceptedCalls() throws Exception {
		Instant t = Instant.parse("2026-01-01T00:00:00Z");
		List<Instant> times = List.of(t, t.plusMillis(500), t.plusMillis(900), t.plusMillis(1000), t.plusMillis(1400),
				t.plusMillis(3000));
		assertThat(FakeOktaOrg.maxInSlidingWindow(times, Duration.ofSeconds(1))).isEqualTo(4);
		assertThat(FakeOktaOrg.maxInSlidingWindow(times, Duration.ofMillis(100))).isEqualTo(1);
		assertThat(FakeOktaOrg.maxInSlidingWindow(List.of(), Duration.ofSeconds(1))).isZero();

		org.seedDemo().rateLimit(5, Duration.ofMinutes(1));
		for (int i = 0; i < 7; i++) {
			get(ANA_FACTORS);
		}

		assertThat(org.maxCallsInAnySlidingWindow(Duration.ofMinutes(1))).isEqualTo(5);
		assertThat(org.maxCallsInAnySlidingWindow(Duration.ofMinutes(1), c -> true)).isEqualTo(7);
		assertThat(org.throttledCount()).isEqualTo(2);
	}

	@Test
	void concurrentCallsAreCountedExactlyAndAFactorIsDeletedOnlyOnce() throws Exception {
		org.seedDemo().rateLimit(50, Duration.ofMinutes(1));

		List<CompletableFuture<HttpResponse<String>>> lists = new ArrayList<>();
		for (int i = 0; i < 120; i++) {
			lists.add(http.sendAsync(request("GET", ANA_FACTORS, auth()), HttpResponse.BodyHandlers.ofString()));
		}
		List<Integer> statuses = lists.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();

		assertThat(statuses).filteredOn(s -> s == 200).hasSize(50);
		assertThat(statuses).filteredOn(s -> s == 429).hasSize(70);
		assertThat(org.calls()).hasSize(120);
		assertThat(org.maxCallsInAnySlidingWindow(Duration.ofMinutes(1))).isEqualTo(50);
		assertThat(org.throttledCount()).isEqualTo(70);

		org.rateLimit(600, Duration.ofMinutes(1));
		List<CompletableFuture<HttpResponse<String>>> deletes = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			deletes.add(http.sendAsync(request("DELETE", ANA_SMS_PATH, auth()), HttpResponse.BodyHandlers.ofString()));
		}
		List<Integer> deleteStatuses = deletes.stream()
			.map(CompletableFuture::join)
			.map(HttpResponse::statusCode)
			.toList();

		assertThat(deleteStatuses).filteredOn(s -> s == 204).hasSize(1);
		assertThat(deleteStatuses).filteredOn(s -> s == 404).hasSize(9);
		assertThat(org.factorsRemovedCount()).isEqualTo(1);
	}

	// ------------------------------------------------------------------ faults

	@Test
	void failNextAnswersTheStatusNTimesWithoutTouchingStateThenRecovers() throws Exception {
		org.seedDemo().failNext(2, 503);

		HttpResponse<String> first = delete(ANA_SMS_PATH);
		HttpResponse<String> second = get(ANA_FACTORS);
		HttpResponse<String> third = get(ANA_FACTORS);

		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(json(first).get("errorCode").stringValue()).isEqualTo("E0000009");
		assertThat(json(first).get("errorId").stringValue()).startsWith("oae");
		assertRateLimitHeaders(first);
		assertThat(second.statusCode()).isEqualTo(503);
		assertThat(third.statusCode()).isEqualTo(200);
		assertThat(org.factorStatus(ANA, ANA_SMS)).hasValue("PENDING_ACTIVATION");
		assertThat(org.calls()).extracting(RecordedCall::fault)
			.containsExactly(RecordedCall.Fault.FAIL_NEXT, RecordedCall.Fault.FAIL_NEXT, RecordedCall.Fault.NONE);
	}

	@Test
	void failAlwaysAnswersTheStatusUntilRecover() throws Exception {
		org.seedDemo().failAlways(500);

		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(500);
		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(500);
		assertThat(delete(ANA_SMS_PATH).statusCode()).isEqualTo(500);
		assertThat(org.factorStatus(ANA, ANA_SMS)).hasValue("PENDING_ACTIVATION");

		org.recover();

		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(200);
	}

	@Test
	void throttleNextWithResetAnswers429UntilTheResetInstant() throws Exception {
		org.seedDemo().throttleNextWithReset(Duration.ofSeconds(1));

		HttpResponse<String> first = get(ANA_FACTORS);
		HttpResponse<String> second = get(ANA_FACTORS);

		assertThat(first.statusCode()).isEqualTo(429);
		assertThat(json(first).get("errorCode").stringValue()).isEqualTo("E0000047");
		long reset = resetOf(first);
		Instant received = org.calls().get(0).receivedAt();
		assertThat(reset).isEqualTo(RateLimitWindow.ceilEpochSeconds(received.plusSeconds(1)));
		assertThat(second.statusCode()).isEqualTo(429);
		assertThat(resetOf(second)).isEqualTo(reset);
		assertThat(org.calls()).extracting(RecordedCall::fault).containsOnly(RecordedCall.Fault.FORCED_THROTTLE);

		await().atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> System.currentTimeMillis() >= reset * 1000);

		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(200);
	}

	@Test
	void recoverLiftsAnActiveForcedThrottle() throws Exception {
		org.seedDemo().throttleNextWithReset(Duration.ofMinutes(5));
		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(429);

		org.recover();

		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(200);
	}

	@Test
	void latencyDelaysEveryAnswerUntilRecover() throws Exception {
		org.seedDemo().latency(Duration.ofMillis(400));

		long started = System.nanoTime();
		HttpResponse<String> slow = get(ANA_FACTORS);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

		assertThat(slow.statusCode()).isEqualTo(200);
		assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(400));

		org.recover();
		long again = System.nanoTime();
		assertThat(get(ANA_FACTORS).statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofMillis(400));
	}

	@Test
	void resetConnectionsDropsTheNextCallsWithoutProcessingThem() throws Exception {
		org.seedDemo().resetConnections(1);

		assertThatThrownBy(
				() -> newClient().send(request("DELETE", ANA_SMS_PATH, auth()), HttpResponse.BodyHandlers.ofString()))
			.isInstanceOf(IOException.class);

		assertThat(org.factorStatus(ANA, ANA_SMS)).hasValue("PENDING_ACTIVATION");
		RecordedCall dropped = org.calls().get(0);
		assertThat(dropped.connectionDropped()).isTrue();
		assertThat(dropped.fault()).isEqualTo(RecordedCall.Fault.CONNECTION_RESET);
		assertThat(dropped.accepted()).isFalse();
		assertThat(delete(ANA_SMS_PATH).statusCode()).isEqualTo(204);
	}

	@Test
	void deleteThatTakesEffectButAnswers503IsSeenAs404OnRetry() throws Exception {
		org.seedDemo().deleteTakesEffectButFails(1, 503);

		HttpResponse<String> first = delete(ANA_SMS_PATH);
		HttpResponse<String> retry = delete(ANA_SMS_PATH);

		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(org.factorStatus(ANA, ANA_SMS)).isEmpty();
		assertThat(retry.statusCode()).isEqualTo(404);
		assertOktaError(retry, "E0000007", "Not found: Resource not found: " + ANA_SMS + " (UserFactor)");
		assertThat(org.deletes()).extracting(RecordedCall::fault)
			.containsExactly(RecordedCall.Fault.DELETE_TOOK_EFFECT_BUT_FAILED, RecordedCall.Fault.NONE);
		assertThat(org.factorsRemovedCount()).isEqualTo(1);
	}

	@Test
	void deleteThatTakesEffectButDropsTheConnectionIsSeenAs404OnRetry() throws Exception {
		org.seedDemo().deleteTakesEffectButFails(1, FakeOktaOrg.DROP_CONNECTION);

		assertThatThrownBy(
				() -> newClient().send(request("DELETE", ANA_SMS_PATH, auth()), HttpResponse.BodyHandlers.ofString()))
			.isInstanceOf(IOException.class);

		assertThat(org.factorStatus(ANA, ANA_SMS)).isEmpty();
		assertThat(delete(ANA_SMS_PATH).statusCode()).isEqualTo(404);
		assertThat(org.deletes()).extracting(RecordedCall::status).containsExactly(0, 404);
	}

	// ------------------------------------------------------------------ system log

	@Test
	void logPagesFollowNextLinksAcrossAppendsWithoutDuplicatesOrGaps() throws Exception {
		Instant base = Instant.now().minus(Duration.ofHours(1));
		for (int i : new int[] { 3, 1, 5, 2, 4 }) {
			org.appendLogEvent(event("e" + i, base.plusSeconds(i), "user.session.start", "SUCCESS"));
		}

		HttpResponse<String> page1 = get("/api/v1/logs?since=" + base + "&limit=2");
		assertThat(page1.statusCode()).isEqualTo(200);
		assertThat(links(page1).get("self")).isEqualTo(org.url() + "/api/v1/logs?since=" + base + "&limit=2");
		String next1 = links(page1).get("next");
		assertThat(next1).startsWith(org.url() + "/api/v1/logs?").contains("after=");
		HttpResponse<String> page2 = getUrl(next1);
		String next2 = links(page2).get("next");
		HttpResponse<String> page3 = getUrl(next2);
		String next3 = links(page3).get("next");
		HttpResponse<String> empty = getUrl(next3);
		String next4 = links(empty).get("next");

		assertThat(uuids(page1)).containsExactly("e1", "e2");
		assertThat(uuids(page2)).containsExactly("e3", "e4");
		// cursors are immutable: re-following a link (a retried GET) gives the same page
		assertThat(uuids(getUrl(next1))).containsExactly("e3", "e4");
		assertThat(uuids(page3)).containsExactly("e5");
		assertThat(uuids(empty)).isEmpty();
		assertThat(next4).isNotNull().contains("after=");

		org.appendLogEvent(event("e6", base.plusSeconds(6), "user.session.start", "SUCCESS"));
		org.appendLogEvent(event("late", base.plusMillis(500), "user.session.start", "SUCCESS"));
		HttpResponse<String> afterAppends = getUrl(next4);
		HttpResponse<String> drained = getUrl(links(afterAppends).get("next"));

		assertThat(uuids(afterAppends)).containsExactly("late", "e6");
		assertThat(uuids(drained)).isEmpty();
		assertThat(links(drained)).containsKey("next");
	}

	@Test
	void logsLimitDefaultsTo100AndIsCappedAt1000() throws Exception {
		Instant base = Instant.now().minus(Duration.ofHours(2));
		for (int i = 0; i < 101; i++) {
			org.appendLogEvent(event("u" + i, base.plusMillis(i), "user.session.start", "SUCCESS"));
		}

		assertThat(json(get("/api/v1/logs")).size()).isEqualTo(100);
		assertThat(json(get("/api/v1/logs?limit=5000")).size()).isEqualTo(101);
		assertThat(get("/api/v1/logs?limit=zero").statusCode()).isEqualTo(400);
	}

	@Test
	void logsFilterOnEventTypeAndOutcomeAndTheNextLinkKeepsTheFilter() throws Exception {
		Instant base = Instant.now().minus(Duration.ofMinutes(30));
		String smsVerify = "system.sms.send_factor_verify_message";
		org.appendLogEvent(event("a", base.plusSeconds(1), smsVerify, "FAILURE"));
		org.appendLogEvent(event("b", base.plusSeconds(2), smsVerify, "SUCCESS"));
		org.appendLogEvent(event("c", base.plusSeconds(3), "user.session.start", "FAILURE"));
		String filter = "eventType eq \"" + smsVerify + "\" and outcome.result eq \"FAILURE\"";

		HttpResponse<String> page = get("/api/v1/logs?filter=" + encode(filter));
		String next = links(page).get("next");
		org.appendLogEvent(event("d", base.plusSeconds(4), smsVerify, "FAILURE"));
		org.appendLogEvent(event("e", base.plusSeconds(5), "user.session.start", "SUCCESS"));
		String stuckUuid = org.appendStuckSmsEvent(ANA);
		HttpResponse<String> nextPage = getUrl(next);

		assertThat(uuids(page)).containsExactly("a");
		assertThat(URI.create(next).getQuery()).contains("filter=" + filter);
		assertThat(uuids(nextPage)).containsExactly("d", stuckUuid);
		JsonNode stuck = json(nextPage).get(1);
		assertThat(stuck.at("/outcome/reason").stringValue())
			.isEqualTo("Not found: Resource not found: " + ANA + " (UserFactor)");
		assertThat(uuids(get("/api/v1/logs?filter=" + encode("EVENTTYPE EQ \"user.session.start\""))))
			.containsExactly("c", "e");
	}

	@Test
	void logsFilterJoinsClausesWithOrAndParenthesesAndBindsAndTighter() throws Exception {
		Instant base = Instant.now().minus(Duration.ofMinutes(20));
		String smsVerify = "system.sms.send_factor_verify_message";
		String mfa = "user.authentication.auth_via_mfa";
		org.appendLogEvent(event("a", base.plusSeconds(1), smsVerify, "FAILURE"));
		org.appendLogEvent(event("b", base.plusSeconds(2), mfa, "FAILURE"));
		org.appendLogEvent(event("c", base.plusSeconds(3), mfa, "SUCCESS"));
		org.appendLogEvent(event("d", base.plusSeconds(4), "user.session.start", "FAILURE"));
		String grouped = "outcome.result eq \"FAILURE\" and (eventType eq \"" + smsVerify + "\" or eventType eq \""
				+ mfa + "\")";
		String ungrouped = "eventType eq \"" + smsVerify + "\" OR eventType eq \"" + mfa
				+ "\" and outcome.result eq \"SUCCESS\"";

		HttpResponse<String> page = get("/api/v1/logs?filter=" + encode(grouped));
		String next = links(page).get("next");
		org.appendLogEvent(event("e", base.plusSeconds(5), mfa, "FAILURE"));

		assertThat(uuids(page)).containsExactly("a", "b");
		assertThat(uuids(getUrl(next))).containsExactly("e");
		assertThat(uuids(get("/api/v1/logs?filter=" + encode(ungrouped)))).containsExactly("a", "c");
		assertThat(uuids(get("/api/v1/logs?filter=" + encode("((eventType eq \"user.session.start\"))"))))
			.containsExactly("d");
	}

	@Test
	void unsupportedLogFiltersAnswer400() throws Exception {
		List<String> bad = List.of("eventType co \"sms\"", "actor.id eq \"00u1\"", "not (eventType eq \"a\")",
				"eventType eq sms", "(eventType eq \"a\"", "eventType eq \"a\")", "()", "eventType eq \"a\" or",
				"eventType eq \"a\" and");

		for (String filter : bad) {
			HttpResponse<String> response = get("/api/v1/logs?filter=" + encode(filter));
			assertThat(response.statusCode()).as(filter).isEqualTo(400);
			assertThat(json(response).get("errorCode").stringValue()).as(filter).isEqualTo("E0000031");
			assertThat(json(response).get("errorCauses").size()).as(filter).isEqualTo(1);
		}
	}

	@Test
	void logEventsAreStoredAsReceivedAndMustHaveUuidAndPublished() throws Exception {
		String published = Instant.now().minusSeconds(60).toString();
		org.appendLogEvent(
				"{\"uuid\":\"x1\",\"published\":\"" + published + "\",\"eventType\":\"user.mfa.factor.deactivate\","
						+ "\"custom\":{\"kept\":true},\"insertionTimestamp\":null}");

		JsonNode event = json(get("/api/v1/logs")).get(0);

		assertThat(event.at("/custom/kept").booleanValue()).isTrue();
		assertThat(event.has("insertionTimestamp")).isTrue();
		assertThatThrownBy(() -> org.appendLogEvent(Map.of("published", published)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> org.appendLogEvent(Map.of("uuid", "x2"))).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> org.appendLogEvent(Map.of("uuid", "x1", "published", published)))
			.isInstanceOf(IllegalArgumentException.class);
	}

	// ------------------------------------------------------------------ helpers

	private static HttpClient newClient() {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.build();
	}

	private String auth() {
		return "SSWS " + org.token();
	}

	private HttpRequest request(String method, String pathAndQuery, String authorization) {
		return requestTo(method, URI.create(org.url() + pathAndQuery), authorization);
	}

	private static HttpRequest requestTo(String method, URI uri, String authorization) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
			.method(method, HttpRequest.BodyPublishers.noBody())
			.header("Accept", "application/json")
			.timeout(Duration.ofSeconds(5));
		if (authorization != null) {
			builder.header("Authorization", authorization);
		}
		return builder.build();
	}

	private HttpResponse<String> send(String method, String pathAndQuery, String authorization) throws Exception {
		return http.send(request(method, pathAndQuery, authorization), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String pathAndQuery) throws Exception {
		return send("GET", pathAndQuery, auth());
	}

	private HttpResponse<String> delete(String pathAndQuery) throws Exception {
		return send("DELETE", pathAndQuery, auth());
	}

	private HttpResponse<String> getUrl(String absoluteUrl) throws Exception {
		return http.send(requestTo("GET", URI.create(absoluteUrl), auth()), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private static List<String> fieldNames(JsonNode node) {
		return node.properties().stream().map(Map.Entry::getKey).toList();
	}

	private static List<String> uuids(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		return StreamSupport.stream(json(response).spliterator(), false).map(e -> e.get("uuid").stringValue()).toList();
	}

	private static Map<String, String> links(HttpResponse<String> response) {
		Map<String, String> links = new LinkedHashMap<>();
		for (String header : response.headers().allValues("Link")) {
			Matcher matcher = LINK.matcher(header);
			while (matcher.find()) {
				links.put(matcher.group(2), matcher.group(1));
			}
		}
		return links;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static Map<String, Object> event(String uuid, Instant published, String eventType, String result) {
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("uuid", uuid);
		event.put("published", published.toString());
		event.put("eventType", eventType);
		event.put("outcome", Map.of("result", result));
		return event;
	}

	private static void assertOktaError(HttpResponse<String> response, String code, String summary) {
		JsonNode body = json(response);
		assertThat(body.get("errorCode").stringValue()).isEqualTo(code);
		assertThat(body.get("errorSummary").stringValue()).isEqualTo(summary);
		assertThat(body.get("errorLink").stringValue()).isEqualTo(code);
		assertThat(body.get("errorId").stringValue()).matches("oae[A-Za-z0-9]{20}");
		assertThat(body.get("errorCauses").isArray()).isTrue();
		assertThat(body.get("errorCauses").size()).isZero();
	}

	private static void assertRateLimitHeaders(HttpResponse<String> response) {
		assertThat(response.headers().firstValue("X-Rate-Limit-Limit")).isPresent();
		assertThat(response.headers().firstValue("X-Rate-Limit-Remaining")).isPresent();
		long reset = resetOf(response);
		ZonedDateTime date = dateOf(response);
		assertThat(reset).isGreaterThan(date.toEpochSecond());
		assertThat(reset).isLessThan(date.toEpochSecond() + 3600);
	}

	private static long resetOf(HttpResponse<String> response) {
		return Long.parseLong(response.headers().firstValue("X-Rate-Limit-Reset").orElseThrow());
	}

	private static ZonedDateTime dateOf(HttpResponse<String> response) {
		return ZonedDateTime.parse(response.headers().firstValue("Date").orElseThrow(),
				DateTimeFormatter.RFC_1123_DATE_TIME);
	}

}
