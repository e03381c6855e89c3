package dev.factorhealer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The compacted topic that remembers which stuck records were replayed, so running the
 * same replay twice sends nothing twice. One entry per stuck partition and batch of a
 * run: key {@code topic/partition/first-last/run}, value the time and the offsets as
 * ranges ({@code 2026-12-02T00:30:00Z 4-9,12,15-4999}). Entries of earlier versions, one
 * per record (key {@code topic/partition/offset}, value the time), are still read. A
 * tombstone forgets its key's offsets.
 */
class ReplayLedger {

	private final Supplier<Producer<byte[], byte[]>> producer;

	private final String topic;

	ReplayLedger(Supplier<Producer<byte[], byte[]>> producer, String topic) {
		this.producer = producer;
		this.topic = topic;
	}

	/**
	 * What earlier replays of {@code stuckTopic} sent, read from the ledger up to its end
	 * with the run's consumer (which then reads the stuck topic: one consumer per run).
	 */
	Replayed read(Consumer<byte[], byte[]> consumer, String stuckTopic) {
		Reading reading = new Reading(stuckTopic);
		TopicReading.toEnd(consumer, this.topic, reading::add, () -> false);
		return reading.replayed();
	}

	/** The entries of one stuck topic, taken from ledger records in their order. */
	static final class Reading {

		private final String prefix;

		private final Map<String, Entry> entries = new HashMap<>();

		Reading(String stuckTopic) {
			this.prefix = stuckTopic + "/";
		}

		void add(ConsumerRecord<byte[], byte[]> record) {
			String key = (record.key() != null) ? new String(record.key(), StandardCharsets.UTF_8) : "";
			if (!key.startsWith(this.prefix)) {
				return;
			}
			if (record.value() == null) {
				this.entries.remove(key);
				return;
			}
			String[] parts = key.substring(this.prefix.length()).split("/");
			try {
				int partition = Integer.parseInt(parts[0]);
				if (parts.length == 2) {
					long offset = Long.parseLong(parts[1]);
					this.entries.put(key, new Entry(partition, new long[] { offset, offset }));
				}
				else {
					String value = new String(record.value(), StandardCharsets.UTF_8);
					this.entries.put(key,
							new Entry(partition, OffsetRanges.parse(value.substring(value.indexOf(' ') + 1))));
				}
			}
			catch (RuntimeException ex) {
				// not an entry of ours: ignored
			}
		}

		Replayed replayed() {
			return new Replayed(this.entries.values());
		}

	}

	/** A new run's id, which keeps its entries apart from every other run's. */
	static String newRun() {
		return UUID.randomUUID().toString();
	}

	/**
	 * Writes that the given offsets of {@code stuckTopic} were replayed (only once Kafka
	 * acknowledged them on their target): one entry per partition, sent without waiting.
	 */
	Acknowledgements record(String stuckTopic, String run, Map<Integer, OffsetRanges> offsets, Instant at) {
		Producer<byte[], byte[]> producer = this.producer.get();
		Acknowledgements sends = new Acknowledgements();
		offsets.forEach((partition, ranges) -> {
			String key = stuckTopic + "/" + partition + "/" + ranges.first() + "-" + ranges.last() + "/" + run;
			String value = at + " " + ranges;
			producer.send(new ProducerRecord<>(this.topic, key.getBytes(StandardCharsets.UTF_8),
					value.getBytes(StandardCharsets.UTF_8)), sends.expect());
		});
		return sends.close();
	}

	/** The offsets one ledger entry names (first, last, first, last, ...). */
	record Entry(int partition, long[] ranges) {
	}

	/** The offsets of one stuck topic that were replayed before. */
	static final class Replayed {

		/**
		 * Per partition: first offset of a range to its last; ranges merged, none
		 * overlapping.
		 */
		private final Map<Integer, TreeMap<Long, Long>> ranges = new HashMap<>();

		Replayed(Iterable<Entry> entries) {
			Map<Integer, List<long[]>> byPartition = new HashMap<>();
			for (Entry entry : entries) {
				List<long[]> partition = byPartition.computeIfAbsent(entry.partition(), (p) -> new ArrayList<>());
				for (int i = 0; i < entry.ranges().length; i += 2) {
					partition.add(new long[] { entry.ranges()[i], entry.ranges()[i + 1] });
				}
			}
			byPartition.forEach((partition, list) -> this.ranges.put(partition, merged(list)));
		}

		private static TreeMap<Long, Long> merged(List<long[]> list) {
			list.sort(Comparator.comparingLong((long[] range) -> range[0]));
			TreeMap<Long, Long> merged = new TreeMap<>();
			long[] open = null;
			for (long[] range : list) {
				if (open != null && range[0] <= open[1] + 1) {
					open[1] = Math.max(open[1], range[1]);
				}
				else {
					if (open != null) {
						merged.put(open[0], open[1]);
					}
					open = range.clone();
				}
			}
			if (open != null) {
				merged.put(open[0], open[1]);
			}
			return merged;
		}

		/** Nothing replayed yet. */
		static Replayed none() {
			return new Replayed(List.of());
		}

		boolean contains(int partition, long offset) {
			TreeMap<Long, Long> partitionRanges = this.ranges.get(partition);
			Map.Entry<Long, Long> range = (partitionRanges != null) ? partitionRanges.floorEntry(offset) : null;
			return range != null && range.getValue() >= offset;
		}

	}

}
