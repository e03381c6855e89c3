package dev.factorhealer.followup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

import dev.factorhealer.remediation.RemediationBrake;

import dev.factorhealer.system.TopicNames;

/**
 * Every replica reads all follow-ups that ended within the rate window, so each one
 * publishes the same re-enrollment and repeat-failure rates, and any of them engages the
 * brake when, among the follow-ups ended since the brake was last released, more than the
 * allowed share failed again. It looks at outcomes only: healing many users at once opens
 * many follow-ups and ends none.
 */
class FollowUpRates extends ConsumerLoop {

	private static final Logger log = LoggerFactory.getLogger(FollowUpRates.class);

	private record Ended(FollowUpOutcome outcome, Instant endedAt) {
	}

	/** The figures over a set of ended follow-ups. */
	record Figures(int ended, int reenrolled, int failedAgain) {

		double reenrollmentRate() {
			return this.ended == 0 ? 0 : (double) this.reenrolled / this.ended;
		}

		double repeatFailureRate() {
			return this.ended == 0 ? 0 : (double) this.failedAgain / this.ended;
		}

	}

	private final FollowUpProperties properties;

	private final TopicNames topics;

	private final RemediationBrake brake;

	private final JsonMapper mapper;

	private final Clock clock;

	private final Map<String, Ended> ended = new HashMap<>();

	private volatile Figures recent = new Figures(0, 0, 0);

	FollowUpRates(FollowUpProperties properties, TopicNames topics, RemediationBrake brake, KafkaProperties kafka,
			JsonMapper mapper, Clock clock, MeterRegistry registry) {
		super("healer-followup-rates", kafka);
		this.properties = properties;
		this.topics = topics;
		this.brake = brake;
		this.mapper = mapper;
		this.clock = clock;
		Gauge.builder("healer.followup.reenrollment.rate", () -> this.recent.reenrollmentRate())
			.description("Share of the follow-ups ended in the rate window that ended REENROLLED")
			.register(registry);
		Gauge.builder("healer.followup.repeat.failure.rate", () -> this.recent.repeatFailureRate())
			.description("Share of the follow-ups ended in the rate window that ended FAILED_AGAIN")
			.register(registry);
		Gauge.builder("healer.followup.recent", () -> this.recent.ended())
			.description("Follow-ups ended in the rate window")
			.register(registry);
	}

	@Override
	KafkaConsumer<String, byte[]> open() {
		return newConsumer(null, Map.of());
	}

	@Override
	void opened(KafkaConsumer<String, byte[]> consumer) {
		this.ended.clear();
		List<TopicPartition> partitions = consumer.partitionsFor(this.topics.followups())
			.stream()
			.map(p -> new TopicPartition(p.topic(), p.partition()))
			.toList();
		consumer.assign(partitions);
		long from = this.clock.instant().minus(this.properties.rateWindow()).toEpochMilli();
		Map<TopicPartition, Long> query = new HashMap<>();
		partitions.forEach(p -> query.put(p, from));
		Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
		Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
		for (TopicPartition partition : partitions) {
			OffsetAndTimestamp at = offsets.get(partition);
			consumer.seek(partition, at != null ? at.offset() : ends.get(partition));
		}
	}

	@Override
	void pollOnce(KafkaConsumer<String, byte[]> consumer) {
		for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
			read(record);
		}
		Instant now = this.clock.instant();
		this.ended.values().removeIf(e -> e.endedAt().isBefore(now.minus(this.properties.rateWindow())));
		this.recent = figures(now.minus(this.properties.rateWindow()));
		if (this.properties.brake().enabled()) {
			checkBrake(now);
		}
	}

	private void read(ConsumerRecord<String, byte[]> record) {
		if (record.value() == null) {
			return;
		}
		try {
			FollowUp followUp = this.mapper.readValue(record.value(), FollowUp.class);
			if (followUp != null && followUp.id() != null && followUp.outcome() != null && followUp.endedAt() != null) {
				this.ended.put(followUp.id(), new Ended(followUp.outcome(), followUp.endedAt()));
			}
		}
		catch (JacksonException ex) {
			log.warn("Ignored {}-{}@{}: not a follow-up", record.topic(), record.partition(), record.offset());
		}
	}

	private Figures figures(Instant since) {
		int all = 0;
		int reenrolled = 0;
		int failedAgain = 0;
		for (Ended e : this.ended.values()) {
			if (e.endedAt().isAfter(since)) {
				all++;
				reenrolled += e.outcome() == FollowUpOutcome.REENROLLED ? 1 : 0;
				failedAgain += e.outcome() == FollowUpOutcome.FAILED_AGAIN ? 1 : 0;
			}
		}
		return new Figures(all, reenrolled, failedAgain);
	}

	/**
	 * Counts only follow-ups ended since the last release, so a release is not undone by
	 * old figures.
	 */
	private void checkBrake(Instant now) {
		if (this.brake.isEngaged()) {
			return;
		}
		Instant since = now.minus(this.properties.rateWindow());
		RemediationBrake.State state = this.brake.state();
		if (state.at() != null && state.at().isAfter(since)) {
			since = state.at();
		}
		Figures figures = figures(since);
		FollowUpProperties.Brake rule = this.properties.brake();
		if (figures.ended() >= rule.minFollowups() && figures.repeatFailureRate() > rule.maxRepeatFailureRate()) {
			this.brake.engage("follow-up", String.format(java.util.Locale.ROOT,
					"%d of %d healed users followed up since %s failed again with the stuck-factor error (%.0f%% > "
							+ "healer.followup.brake.max-repeat-failure-rate %.0f%%, min-followups %d); %d re-enrolled",
					figures.failedAgain(), figures.ended(), since, 100 * figures.repeatFailureRate(),
					100 * rule.maxRepeatFailureRate(), rule.minFollowups(), figures.reenrolled()));
		}
	}

}
