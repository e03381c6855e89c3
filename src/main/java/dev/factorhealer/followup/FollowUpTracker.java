package dev.factorhealer.followup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaOperations;

import dev.factorhealer.followup.FollowUpEvents.Signal;

import dev.factorhealer.system.TopicNames;

/**
 * Follows healed users: one consumer group reads {@code okta.events} and the state topic,
 * which have the same number of partitions and the same keys, with the range assignor, so
 * this replica holds the state of exactly the users whose events it reads. When a state
 * partition is assigned it is read from the start (the compacted topic is the durable
 * state) before any event is processed. A follow-up ends with its record on the
 * follow-ups topic, then a {@code CLOSED} marker on the state topic; offsets are
 * committed after both were acknowledged.
 */
class FollowUpTracker extends ConsumerLoop {

	private static final Logger log = LoggerFactory.getLogger(FollowUpTracker.class);

	private final FollowUpProperties properties;

	private final TopicNames topics;

	private final FollowUpEvents events;

	private final KafkaOperations<String, byte[]> producer;

	private final JsonMapper mapper;

	private final Clock clock;

	private final OpenFollowUps followUps = new OpenFollowUps();

	private final Map<FollowUpOutcome, Counter> outcomes = new EnumMap<>(FollowUpOutcome.class);

	private final Timer timeToWorkingSms;

	FollowUpTracker(FollowUpProperties properties, TopicNames topics, FollowUpEvents events, KafkaProperties kafka,
			KafkaOperations<String, byte[]> producer, JsonMapper mapper, Clock clock, MeterRegistry registry) {
		super("healer-followup", kafka);
		this.properties = properties;
		this.topics = topics;
		this.events = events;
		this.producer = producer;
		this.mapper = mapper;
		this.clock = clock;
		for (FollowUpOutcome outcome : FollowUpOutcome.values()) {
			this.outcomes.put(outcome,
					Counter.builder("healer.followup.outcomes")
						.description("How follow-ups of healed users ended")
						.tag("outcome", outcome.name())
						.register(registry));
		}
		this.timeToWorkingSms = FollowUpMeters.durations("healer.followup.time.to.working.sms",
				"First failure to the new active SMS factor", registry);
		Gauge.builder("healer.followup.open", this.followUps, OpenFollowUps::size)
			.description("Open follow-ups on this replica's partitions")
			.register(registry);
	}

	@Override
	KafkaConsumer<String, byte[]> open() {
		// under load, polls of a few hundred events (each costs a fetch and a synchronous
		// commit); a quiet topic's event waits at most 100 ms longer
		return newConsumer(this.properties.group(),
				Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
						ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500, ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 262144,
						ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100));
	}

	@Override
	void opened(KafkaConsumer<String, byte[]> consumer) {
		this.followUps.clear();
		consumer.subscribe(List.of(this.topics.events(), this.topics.followupState()), new ConsumerRebalanceListener() {

			@Override
			public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
				FollowUpTracker.this.followUps.drop(statePartitions(partitions));
			}

			@Override
			public void onPartitionsLost(Collection<TopicPartition> partitions) {
				FollowUpTracker.this.followUps.drop(statePartitions(partitions));
			}

			@Override
			public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
				for (TopicPartition partition : partitions) {
					if (partition.topic().equals(FollowUpTracker.this.topics.followupState())) {
						consumer.seek(partition, rebuild(partition));
					}
				}
			}
		});
	}

	@Override
	void pollOnce(KafkaConsumer<String, byte[]> consumer) {
		ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
		for (ConsumerRecord<String, byte[]> record : records) {
			if (record.topic().equals(this.topics.followupState())) {
				readState(record).ifPresent(state -> {
					healedAgain(state);
					if (this.followUps.apply(record.partition(), state)) {
						for (Signal signal : this.followUps.recentAfter(state.userId(), state.healedAt(), now())) {
							observe(signal);
						}
					}
				});
			}
			else {
				event(record);
			}
		}
		expire();
		if (!records.isEmpty()) {
			consumer.commitSync();
		}
	}

	/**
	 * A second DELETE for a user still followed: the factor got stuck again, whether or
	 * not the failure event was read first.
	 */
	private void healedAgain(FollowUpState state) {
		this.followUps.get(state.userId())
			.filter(open -> state.isOpen() && !open.id().equals(state.id())
					&& state.healedAt().isAfter(open.healedAt()))
			.ifPresent(open -> end(open, FollowUpOutcome.FAILED_AGAIN,
					state.failedAt().isAfter(open.healedAt()) ? state.failedAt() : state.healedAt(),
					state.sourceEventUuid()));
	}

	/**
	 * Reads a state partition from the start to its end; returns where live reading goes
	 * on.
	 */
	private long rebuild(TopicPartition partition) {
		long end;
		int read = 0;
		try (KafkaConsumer<String, byte[]> loader = newConsumer(null, Map.of())) {
			loader.assign(List.of(partition));
			loader.seekToBeginning(List.of(partition));
			end = loader.endOffsets(List.of(partition)).get(partition);
			while (loader.position(partition) < end) {
				for (ConsumerRecord<String, byte[]> record : loader.poll(Duration.ofMillis(500))) {
					if (record.offset() < end) {
						read++;
						readState(record).ifPresent(state -> this.followUps.apply(partition.partition(), state));
					}
				}
			}
		}
		log.info("Follow-up state of partition {} read ({} records); {} follow-ups open on this replica",
				partition.partition(), read, this.followUps.size());
		return end;
	}

	private Optional<FollowUpState> readState(ConsumerRecord<String, byte[]> record) {
		if (record.value() == null) {
			return Optional.empty();
		}
		try {
			FollowUpState state = this.mapper.readValue(record.value(), FollowUpState.class);
			return state == null || state.userId() == null || state.id() == null || state.healedAt() == null
					? Optional.empty() : Optional.of(state);
		}
		catch (JacksonException ex) {
			log.warn("Ignored {}-{}@{}: not a follow-up state", record.topic(), record.partition(), record.offset());
			return Optional.empty();
		}
	}

	private void event(ConsumerRecord<String, byte[]> record) {
		if (record.value() == null || !this.events.mayConcern(record.value())) {
			return;
		}
		JsonNode event;
		try {
			event = this.mapper.readTree(record.value());
		}
		catch (JacksonException ex) {
			return; // detection sends it to the stuck topic
		}
		if (event == null || !event.isObject()) {
			return;
		}
		this.events.read(event, Instant.ofEpochMilli(record.timestamp())).ifPresent(signal -> {
			if (this.followUps.get(signal.userId()).isPresent()) {
				observe(signal);
			}
			else {
				this.followUps.remember(signal, now());
			}
		});
	}

	private void observe(Signal signal) {
		Optional<FollowUpState> followed = this.followUps.get(signal.userId());
		if (followed.isEmpty() || !signal.published().isAfter(followed.get().healedAt())) {
			return; // not followed, or from before the DELETE (the System Log delivers
					// late)
		}
		FollowUpOutcome outcome = switch (signal.kind()) {
			case SMS_ACTIVATED -> FollowUpOutcome.REENROLLED;
			case STUCK_AGAIN -> FollowUpOutcome.FAILED_AGAIN;
		};
		end(followed.get(), outcome, signal.published(), signal.eventUuid());
	}

	private void expire() {
		Instant now = now();
		for (FollowUpState due : this.followUps.healedBefore(now.minus(this.properties.window()))) {
			end(due, FollowUpOutcome.NO_ACTIVITY, due.healedAt().plus(this.properties.window()), null);
		}
		this.followUps.forgetOldSignals(now);
	}

	private void end(FollowUpState open, FollowUpOutcome outcome, Instant endedAt, String eventUuid) {
		FollowUp ended = FollowUp.ended(open, outcome, endedAt, eventUuid);
		send(this.producer,
				new ProducerRecord<>(this.topics.followups(), open.userId(), this.mapper.writeValueAsBytes(ended)));
		send(this.producer, new ProducerRecord<>(this.topics.followupState(), open.userId(),
				this.mapper.writeValueAsBytes(open.closed())));
		this.followUps.closed(open);
		this.outcomes.get(outcome).increment();
		switch (outcome) {
			case REENROLLED -> {
				this.timeToWorkingSms.record(Duration.between(open.failedAt(), endedAt));
				log.info("Healed user {} has a working SMS factor again (event {}), {} after the failure",
						open.userId(), eventUuid, Duration.between(open.failedAt(), endedAt));
			}
			case FAILED_AGAIN ->
				log.warn("Healed user {} failed again with the stuck-factor error (event {}), {} after the DELETE",
						open.userId(), eventUuid, Duration.between(open.healedAt(), endedAt));
			case NO_ACTIVITY ->
				log.info("Healed user {} did not enroll SMS again within {}: follow-up ends NO_ACTIVITY", open.userId(),
						this.properties.window());
		}
	}

	private List<Integer> statePartitions(Collection<TopicPartition> partitions) {
		return partitions.stream()
			.filter(p -> p.topic().equals(this.topics.followupState()))
			.map(TopicPartition::partition)
			.toList();
	}

	private Instant now() {
		return this.clock.instant();
	}

}
