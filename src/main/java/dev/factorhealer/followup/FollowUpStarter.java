package dev.factorhealer.followup;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaOperations;

import dev.factorhealer.remediation.RemediationMode;
import dev.factorhealer.remediation.RemediationOutcome;
import dev.factorhealer.remediation.RemediationResult;

import dev.factorhealer.system.TopicNames;

/**
 * Opens a follow-up for every live {@code DELETED} result: an {@code OPEN} record on the
 * state topic, keyed by the user, so it lands on the state partition of the replica that
 * follows that user's events. Results older than the window (a first start on an old
 * results topic) are skipped: their follow-up could only end {@code NO_ACTIVITY}.
 */
class FollowUpStarter extends ConsumerLoop {

	private static final Logger log = LoggerFactory.getLogger(FollowUpStarter.class);

	private final FollowUpProperties properties;

	private final TopicNames topics;

	private final KafkaOperations<String, byte[]> producer;

	private final JsonMapper mapper;

	private final Clock clock;

	private final Timer timeToHeal;

	FollowUpStarter(FollowUpProperties properties, TopicNames topics, KafkaProperties kafka,
			KafkaOperations<String, byte[]> producer, JsonMapper mapper, Clock clock, MeterRegistry registry) {
		super("healer-followup-starter", kafka);
		this.properties = properties;
		this.topics = topics;
		this.producer = producer;
		this.mapper = mapper;
		this.clock = clock;
		this.timeToHeal = FollowUpMeters.durations("healer.followup.time.to.heal",
				"First failure to the DELETE of the stuck factor", registry);
	}

	@Override
	KafkaConsumer<String, byte[]> open() {
		return newConsumer(this.properties.group() + "-starter", Map.of());
	}

	@Override
	void opened(KafkaConsumer<String, byte[]> consumer) {
		consumer.subscribe(List.of(this.topics.results()));
	}

	@Override
	void pollOnce(KafkaConsumer<String, byte[]> consumer) {
		ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
		for (ConsumerRecord<String, byte[]> record : records) {
			start(record);
		}
		if (!records.isEmpty()) {
			consumer.commitSync();
		}
	}

	private void start(ConsumerRecord<String, byte[]> record) {
		RemediationResult result;
		try {
			result = record.value() == null ? null : this.mapper.readValue(record.value(), RemediationResult.class);
		}
		catch (JacksonException ex) {
			log.warn("Ignored {}-{}@{}: not a remediation result", record.topic(), record.partition(), record.offset());
			return;
		}
		if (result == null || result.outcome() != RemediationOutcome.DELETED || result.mode() != RemediationMode.LIVE
				|| result.userId() == null || result.finishedAt() == null) {
			return;
		}
		if (result.finishedAt().plus(this.properties.window()).isBefore(this.clock.instant())) {
			log.debug("Result of user {} is older than the follow-up window: not followed", result.userId());
			return;
		}
		FollowUpState open = FollowUpState.opened(result);
		send(this.producer,
				new ProducerRecord<>(this.topics.followupState(), open.userId(), this.mapper.writeValueAsBytes(open)));
		this.timeToHeal.record(Duration.between(open.failedAt(), open.healedAt()));
		log.info("Following up healed user {} (factors {}, failure {} to DELETE {})", open.userId(), open.factorIds(),
				open.failedAt(), open.healedAt());
	}

}
