package dev.factorhealer.detection;

import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.common.header.Headers;

import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

import dev.factorhealer.deadletter.StuckRecordHeaders;

/**
 * The {@code detect} function: one poll of {@code okta.events} at a time (the binding's
 * batch mode). Called once per record, the framework spent more than the detection itself
 * (a message with its headers per record, type resolution, and Spring Cloud Function
 * parsing every payload to see whether it is a JSON array); called once per poll, that
 * cost is shared by up to {@code max.poll.records} records.
 * <p>
 * Each request is sent, and acknowledged ({@code detect-out-0} is synchronous), before
 * the next record is decided; the batch's offsets are committed after the last one. A
 * record that fails (unprocessable, or its request not acknowledged) is named to the
 * container's error handler by its index: the records before it are committed, it is
 * retried or dead-lettered alone, and the poll goes on after it.
 */
class DetectionBatch implements Consumer<Message<List<byte[]>>> {

	private final Detection detection;

	private final Consumer<Message<byte[]>> requests;

	/**
	 * @param detection decides one record
	 * @param requests sends one request and returns once Kafka acknowledged it
	 */
	DetectionBatch(Detection detection, Consumer<Message<byte[]>> requests) {
		this.detection = detection;
		this.requests = requests;
	}

	@Override
	public void accept(Message<List<byte[]>> batch) {
		List<byte[]> values = batch.getPayload();
		MessageHeaders headers = batch.getHeaders();
		List<?> partitions = list(headers, KafkaHeaders.RECEIVED_PARTITION);
		List<?> offsets = list(headers, KafkaHeaders.OFFSET);
		List<?> natives = list(headers, KafkaHeaders.NATIVE_HEADERS);
		for (int i = 0; i < values.size(); i++) {
			try {
				byte[] value = values.get(i);
				if (this.detection.passesOver(value)) {
					// most records: their place and headers are not read (decoding the
					// header names was 7 % of this thread's samples)
					continue;
				}
				Message<byte[]> request = this.detection.decideScreened(value,
						Detection.recordId(at(partitions, i), at(offsets, i)), replayed(natives, i));
				if (request != null) {
					this.requests.accept(request);
				}
			}
			catch (RuntimeException ex) {
				throw new BatchListenerFailedException("record " + i + " of the poll failed", ex, i);
			}
		}
	}

	private static List<?> list(MessageHeaders headers, String name) {
		return headers.get(name) instanceof List<?> list ? list : null;
	}

	private static Object at(List<?> values, int index) {
		return values == null || index >= values.size() ? null : values.get(index);
	}

	/**
	 * Whether the record carries the replay count an operator's replay gives it (its
	 * headers as Kafka read them: the binding's converter maps none).
	 */
	private static boolean replayed(List<?> natives, int index) {
		return at(natives, index) instanceof Headers raw && raw.lastHeader(StuckRecordHeaders.REPLAY_COUNT) != null;
	}

}
