package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import dev.factorhealer.deadletter.StuckRecordHeaders;
import dev.factorhealer.replay.ReplayPlanner.Move;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ReplayWriterTests {

	private static final String DLQ = "okta.remediation.requests.dlq";

	private static final String LEDGER = "okta.replay.ledger";

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void sendsEveryMoveAndRecordsEachBatchInTheLedgerOnceAcknowledged() {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
				new ByteArraySerializer());
		ReplayWriter writer = writer(producer, 2, 4);

		for (long offset = 0; offset < 5; offset++) {
			writer.send(move(offset, ReplayAction.REPLAY, 0));
		}
		writer.finish();

		assertThat(sentTo("okta.remediation.requests", producer)).hasSize(5);
		assertThat(ledgerValues(producer)).containsExactly("0-1", "2-3", "4");
		assertThat(this.registry.get("healer.replay.records").tag("result", "replayed").counter().count()).isEqualTo(5);
	}

	@Test
	void keepsSeveralBatchesInFlightAndRecordsNoneThatKafkaDidNotAcknowledgeNorAnyAfterIt() {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
				new ByteArraySerializer());
		ReplayWriter writer = writer(producer, 2, 3);
		for (long offset = 0; offset < 6; offset++) {
			// three full batches, none acknowledged: the writer does not wait
			writer.send(move(offset, ReplayAction.REPLAY, 0));
		}
		assertThat(ledgerValues(producer)).isEmpty();

		producer.completeNext();
		producer.completeNext();
		producer.errorNext(new KafkaException("not enough replicas"));
		producer.completeNext();
		producer.completeNext();
		producer.completeNext();
		writer.send(move(6, ReplayAction.REPLAY, 0));

		assertThatIllegalStateException().isThrownBy(() -> writer.send(move(7, ReplayAction.REPLAY, 0)))
			.withMessageContaining("did not acknowledge the replayed records");
		assertThat(ledgerValues(producer)).as("only the batch before the failed one").containsExactly("0-1");
		assertThat(this.registry.get("healer.replay.records").tag("result", "replayed").counter().count())
			.as("counted once its ledger entry is acknowledged")
			.isZero();
	}

	@Test
	void aBatchNotFullyAcknowledgedStaysOutOfTheLedgerWhileTheRunGoesOn() {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
				new ByteArraySerializer());
		ReplayWriter writer = writer(producer, 2, 3);
		for (long offset = 0; offset < 4; offset++) {
			writer.send(move(offset, ReplayAction.REPLAY, 0));
		}
		producer.completeNext();
		writer.send(move(4, ReplayAction.REPLAY, 0));
		writer.send(move(5, ReplayAction.REPLAY, 0));

		assertThat(ledgerValues(producer)).as("the first batch is half acknowledged").isEmpty();
	}

	@Test
	void sendsTheRecordBackWithoutItsStuckHeadersWithItsReplayCountAndWhereItCameFrom() {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
				new ByteArraySerializer());
		ReplayWriter writer = writer(producer, 10, 2);

		writer.send(move(1234567, ReplayAction.REPLAY, 1));
		writer.send(move(1234568, ReplayAction.PARK, 3));
		writer.finish();

		ProducerRecord<byte[], byte[]> replayed = producer.history().get(0);
		assertThat(replayed.topic()).isEqualTo("okta.remediation.requests");
		assertThat(new String(replayed.key(), StandardCharsets.UTF_8)).isEqualTo("00uA");
		assertThat(replayed.headers()).extracting((h) -> h.key())
			.containsExactly("source", StuckRecordHeaders.REPLAY_COUNT, StuckRecordHeaders.REPLAYED_FROM);
		assertThat(text(replayed, StuckRecordHeaders.REPLAY_COUNT)).isEqualTo("2");
		assertThat(text(replayed, StuckRecordHeaders.REPLAYED_FROM)).isEqualTo(DLQ + "/0/1234567");
		ProducerRecord<byte[], byte[]> parked = producer.history().get(1);
		assertThat(parked.topic()).isEqualTo("okta.remediation.parked");
		assertThat(parked.headers().lastHeader(StuckRecordHeaders.REASON)).isNotNull();
		assertThat(text(parked, StuckRecordHeaders.REPLAY_COUNT)).isEqualTo("3");
		assertThat(text(parked, StuckRecordHeaders.REPLAYED_FROM)).isEqualTo(DLQ + "/0/1234568");
		assertThat(ledgerValues(producer)).containsExactly("1234567-1234568");
	}

	private ReplayWriter writer(MockProducer<byte[], byte[]> producer, int batch, int inFlight) {
		return new ReplayWriter(producer, new ReplayLedger(() -> producer, LEDGER), DLQ, batch, inFlight,
				Clock.fixed(Instant.parse("2031-03-01T10:00:00Z"), ZoneOffset.UTC), new ReplayCounters(this.registry));
	}

	private static Move move(long offset, ReplayAction action, int replayCount) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(header(StuckRecordHeaders.ORIGINAL_TOPIC, "okta.remediation.requests"));
		headers.add(header("source", "detection"));
		headers.add(header(StuckRecordHeaders.REASON, "Okta answered 503"));
		if (replayCount > 0) {
			headers.add(header(StuckRecordHeaders.REPLAY_COUNT, String.valueOf(replayCount)));
		}
		byte[] key = "00uA".getBytes(StandardCharsets.UTF_8);
		byte[] value = "{\"userId\":\"00uA\"}".getBytes(StandardCharsets.UTF_8);
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(DLQ, 0, offset, 0, TimestampType.CREATE_TIME,
				key.length, value.length, key, value, headers, Optional.empty());
		String target = (action == ReplayAction.PARK) ? "okta.remediation.parked" : "okta.remediation.requests";
		return new Move(record, action, target, replayCount);
	}

	private static List<ProducerRecord<byte[], byte[]>> sentTo(String topic, MockProducer<byte[], byte[]> producer) {
		return producer.history().stream().filter((r) -> r.topic().equals(topic)).toList();
	}

	/** The offsets of each ledger entry, in the order they were written. */
	private static List<String> ledgerValues(MockProducer<byte[], byte[]> producer) {
		return sentTo(LEDGER, producer).stream().map((r) -> {
			String value = new String(r.value(), StandardCharsets.UTF_8);
			return value.substring(value.indexOf(' ') + 1);
		}).toList();
	}

	private static String text(ProducerRecord<byte[], byte[]> record, String header) {
		return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
	}

	private static RecordHeader header(String name, String value) {
		return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
