package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.junit.jupiter.api.Test;

import dev.factorhealer.replay.ReplayLedger.Entry;
import dev.factorhealer.replay.ReplayLedger.Replayed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReplayLedgerTests {

	@Test
	void aBatchOfOffsetsIsWrittenAsRangesAndReadBack() {
		OffsetRanges ranges = new OffsetRanges();
		for (long offset : new long[] { 4, 5, 6, 9, 12, 13 }) {
			ranges.add(offset);
		}

		assertThat(ranges).hasToString("4-6,9,12-13");
		assertThat(ranges.first()).isEqualTo(4);
		assertThat(ranges.last()).isEqualTo(13);
		assertThat(OffsetRanges.parse(ranges.toString())).containsExactly(4, 6, 9, 9, 12, 13);
	}

	@Test
	void offsetsOfABatchOnlyGoUp() {
		OffsetRanges ranges = new OffsetRanges();
		ranges.add(7);

		assertThatIllegalArgumentException().isThrownBy(() -> ranges.add(7));
	}

	@Test
	void knowsEveryOffsetOfEveryEntryAndNoOther() {
		Replayed replayed = new Replayed(List.of(new Entry(0, OffsetRanges.parse("4-6,9")),
				new Entry(0, OffsetRanges.parse("5-8")), new Entry(1, new long[] { 3, 3 })));

		assertThat(List.of(4L, 5L, 6L, 7L, 8L, 9L)).allMatch((o) -> replayed.contains(0, o));
		assertThat(List.of(0L, 3L, 10L)).noneMatch((o) -> replayed.contains(0, o));
		assertThat(replayed.contains(1, 3)).isTrue();
		assertThat(replayed.contains(1, 4)).isFalse();
		assertThat(replayed.contains(2, 3)).isFalse();
	}

	@Test
	void readsItsBatchEntriesEntriesOfEarlierVersionsAndTombstonesOfOneStuckTopicOnly() {
		ReplayLedger.Reading reading = new ReplayLedger.Reading("okta.events.dlq");
		reading.add(ledger("okta.events.dlq/0/4-9/run-1", "2026-12-02T00:30:00Z 4-6,9"));
		reading.add(ledger("okta.events.dlq/1/2", "2026-11-30T10:00:00Z"));
		reading.add(ledger("okta.events.dlq/2/5", "2026-11-30T10:00:00Z"));
		reading.add(ledger("okta.events.dlq/2/5", null));
		reading.add(ledger("okta.remediation.requests.dlq/0/7", "2026-11-30T10:00:00Z"));
		reading.add(ledger("okta.events.dlq/0/garbage", "x"));

		Replayed replayed = reading.replayed();

		assertThat(List.of(4L, 5L, 6L, 9L)).allMatch((o) -> replayed.contains(0, o));
		assertThat(List.of(7L, 8L)).noneMatch((o) -> replayed.contains(0, o));
		assertThat(replayed.contains(1, 2)).isTrue();
		assertThat(replayed.contains(2, 5)).isFalse();
	}

	private static ConsumerRecord<byte[], byte[]> ledger(String key, String value) {
		return new ConsumerRecord<>("okta.replay.ledger", 0, 0, key.getBytes(StandardCharsets.UTF_8),
				(value != null) ? value.getBytes(StandardCharsets.UTF_8) : null);
	}

}
