package dev.factorhealer.system;

import org.apache.kafka.common.config.TopicConfig;

import org.springframework.kafka.config.TopicBuilder;

/**
 * Topics the service creates when they do not exist yet. All accept records up to
 * {@link #MAX_RECORD_BYTES}, well above the largest hook delivery accepted, so that an
 * event that passed the hook's size check also fits on {@code okta.events} and on the
 * stuck topics. (Topics created beforehand keep their own {@code max.message.bytes}.)
 */
public final class KafkaTopics {

	/** Largest record the service's producers send and its topics accept: 8 MiB. */
	public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

	private KafkaTopics() {
	}

	public static TopicBuilder topic(String name, int partitions) {
		return TopicBuilder.name(name)
			.partitions(partitions)
			.config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_RECORD_BYTES));
	}

}
