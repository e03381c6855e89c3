package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.replay.ReplayLedger.Entry;
import dev.factorhealer.replay.ReplayLedger.Replayed;
import dev.factorhealer.replay.ReplayPlanner.Move;
import dev.factorhealer.support.DefaultTopicNames;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayPlannerTests {

	private static final String DLQ = "okta.remediation.requests.dlq";

	private static final String PARKED = "okta.remediation.parked";

	private static final Instant T = Instant.parse("2031-03-01T10:00:00Z");

	private long offset;

	@Test
	void movesEveryRecordBackToItsOriginalTopicWithoutFilters() {
		ReplayPlanner planner = planner(request(DLQ), Replayed.none());

		Move move = planner.plan(stuck("00uA", T, "Okta answered 503", 0));

		assertThat(move.action()).isEqualTo(ReplayAction.REPLAY);
		assertThat(move.target()).isEqualTo("okta.remediation.requests");
		assertThat(move.from()).isEqualTo(DLQ + "/0/0");
		ReplayReport report = planner.report();
		assertThat(report.examined()).isEqualTo(1);
		assertThat(report.replayed()).isEqualTo(1);
		assertThat(report.firstOffset()).isEqualTo("0@0");
		assertThat(report.records()).singleElement().satisfies((r) -> {
			assertThat(r.key()).isEqualTo("00uA");
			assertThat(r.reason()).isEqualTo("Okta answered 503");
			assertThat(r.originalTopic()).isEqualTo("okta.remediation.requests");
		});
	}

	@Test
	void timeWindowUserAndExceptionFiltersSelectExactlyTheirRecords() {
		List<ConsumerRecord<byte[], byte[]>> records = List.of(stuck("00uA", T, "Okta answered 503", 0),
				stuck("00uB", T.plusSeconds(3600), "deletion cap reached: 100 deletions", 0),
				stuck("00uC", T.plusSeconds(7200), "unenrolling failed: HTTP 403", 0));

		assertThat(moved(
				new ReplayRequest(DLQ, T.plusSeconds(1800), T.plusSeconds(7200), null, null, null, false, null, null),
				records))
			.containsExactly("00uB");
		assertThat(moved(new ReplayRequest(DLQ, null, null, "00uC", null, null, false, null, null), records))
			.containsExactly("00uC");
		assertThat(moved(new ReplayRequest(DLQ, null, null, null, "CAP REACHED", null, false, null, null), records))
			.containsExactly("00uB");
		assertThat(
				moved(new ReplayRequest(DLQ, null, null, null, "remediationfailed", null, false, null, null), records))
			.containsExactly("00uA", "00uB", "00uC");
	}

	@Test
	void countsRecordsLeftAloneByTheFilters() {
		ReplayPlanner planner = planner(new ReplayRequest(DLQ, null, null, "00uB", null, null, false, null, null),
				Replayed.none());

		planner.plan(stuck("00uA", T, "503", 0));
		planner.plan(stuck("00uB", T, "503", 0));

		assertThat(planner.skipped()).isEqualTo(1);
		assertThat(planner.report().skipped()).isEqualTo(1);
		assertThat(planner.report().replayed()).isEqualTo(1);
	}

	@Test
	void leavesWhatTheLedgerSaysWasReplayedAloneUnlessAResetCoversIt() {
		Replayed ledger = new Replayed(List.of(new Entry(0, new long[] { 0, 0 })));
		ConsumerRecord<byte[], byte[]> first = stuck("00uA", T, "503", 0);
		ConsumerRecord<byte[], byte[]> second = stuck("00uB", T, "503", 0);

		ReplayPlanner again = planner(request(DLQ), ledger);
		assertThat(again.plan(first)).isNull();
		assertThat(again.plan(second)).isNotNull();
		assertThat(again.report().alreadyReplayed()).isEqualTo(1);

		ReplayPlanner reset = planner(new ReplayRequest(DLQ, null, null, null, null, null, false, T, null), ledger);
		assertThat(reset.plan(first)).isNotNull();
		assertThat(reset.report().alreadyReplayed()).isZero();
	}

	@Test
	void parksARecordReplayedAsOftenAsAllowedAndReleasesParkedOnesWithTheirLoopGuardReset() {
		ReplayPlanner planner = planner(request(DLQ), Replayed.none());

		Move tooOften = planner.plan(stuck("00uA", T, "503", 3));
		Move once = planner.plan(stuck("00uB", T, "503", 2));

		assertThat(tooOften.action()).isEqualTo(ReplayAction.PARK);
		assertThat(tooOften.target()).isEqualTo(PARKED);
		assertThat(tooOften.action().countAfter(tooOften.replayCount())).isEqualTo(3);
		assertThat(once.action()).isEqualTo(ReplayAction.REPLAY);
		assertThat(once.action().countAfter(once.replayCount())).isEqualTo(3);
		assertThat(planner.report().parked()).isEqualTo(1);
		assertThat(planner.report().replayed()).isEqualTo(1);

		ReplayPlanner release = planner(new ReplayRequest(PARKED, null, null, null, null, null, false, null, true),
				Replayed.none());
		Move released = release.plan(stuck("00uA", T, "503", 3));
		assertThat(released.action()).isEqualTo(ReplayAction.RELEASE);
		assertThat(released.target()).isEqualTo("okta.remediation.requests");
		assertThat(released.action().countAfter(released.replayCount())).isZero();
	}

	@Test
	void leavesARecordWithoutAnOriginalTopicAlone() {
		ReplayPlanner planner = planner(request(DLQ), Replayed.none());
		ConsumerRecord<byte[], byte[]> record = stuck("00uA", T, "503", 0);
		record.headers().remove(StuckRecordHeaders.ORIGINAL_TOPIC);

		assertThat(planner.plan(record)).isNull();
		assertThat(planner.report().skipped()).isEqualTo(1);
	}

	@Test
	void stopsAtMaxAndListsAtMostAHundredRecords() {
		ReplayPlanner planner = planner(new ReplayRequest(DLQ, null, null, null, null, 150, false, null, null),
				Replayed.none());
		int planned = 0;
		while (!planner.full()) {
			planner.plan(stuck("00u" + planned, T, "503", 0));
			planned++;
		}

		assertThat(planned).isEqualTo(150);
		assertThat(planner.report().replayed()).isEqualTo(150);
		assertThat(planner.report().records()).hasSize(ReplayPlanner.LISTED);
		assertThat(planner.report().lastOffset()).isEqualTo("0@149");
	}

	@Test
	void theReportPrintsActionsAsTheWordsOperatorsScriptsRead() {
		ReplayPlanner planner = planner(request(DLQ), Replayed.none());
		planner.plan(stuck("00uA", T, "503", 0));
		planner.plan(stuck("00uB", T, "503", 3));

		JsonNode json = JsonMapper.builder().build().valueToTree(planner.report());

		assertThat(json.get("records").get(0).get("action").asString()).isEqualTo("replay");
		assertThat(json.get("records").get(1).get("action").asString()).isEqualTo("park");
		assertThat(json.get("topic").asString()).isEqualTo(DLQ);
		assertThat(json.get("dryRun").asBoolean()).isFalse();
		assertThat(json.get("replayed").asLong()).isEqualTo(1);
		assertThat(json.get("parked").asLong()).isEqualTo(1);
	}

	private List<String> moved(ReplayRequest request, List<ConsumerRecord<byte[], byte[]>> records) {
		ReplayPlanner planner = planner(request, Replayed.none());
		List<String> keys = new ArrayList<>();
		for (ConsumerRecord<byte[], byte[]> record : records) {
			Optional.ofNullable(planner.plan(record)).ifPresent((m) -> keys.add(ReplayPlanner.keyText(m.record())));
		}
		return keys;
	}

	private static ReplayPlanner planner(ReplayRequest request, Replayed ledger) {
		return new ReplayPlanner(request.validated(DefaultTopicNames.get()), ledger, 3, PARKED);
	}

	private static ReplayRequest request(String topic) {
		return new ReplayRequest(topic, null, null, null, null, null, false, null, topic.equals(PARKED));
	}

	private ConsumerRecord<byte[], byte[]> stuck(String key, Instant at, String reason, int replayCount) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(header(StuckRecordHeaders.ORIGINAL_TOPIC, "okta.remediation.requests"));
		headers.add(header(StuckRecordHeaders.EXCEPTION, "dev.factorhealer.remediation.RemediationFailedException"));
		headers.add(header(StuckRecordHeaders.REASON, reason));
		headers.add(header(StuckRecordHeaders.DEAD_LETTERED_AT, at.toString()));
		if (replayCount > 0) {
			headers.add(header(StuckRecordHeaders.REPLAY_COUNT, String.valueOf(replayCount)));
		}
		byte[] value = ("{\"userId\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
		return new ConsumerRecord<>(DLQ, 0, this.offset++, at.toEpochMilli(), TimestampType.CREATE_TIME, key.length(),
				value.length, key.getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
	}

	private static RecordHeader header(String name, String value) {
		return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
