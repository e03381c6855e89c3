package dev.factorhealer.system;

import java.util.Collection;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The binder's one rebalance listener, handing each binding's changes to the modules that
 * asked ({@link BindingPartitions}).
 */
@Configuration(proxyBeanMethods = false)
class BindingRebalanceConfiguration {

	@Bean
	KafkaBindingRebalanceListener bindingRebalanceListener(List<BindingPartitions> listeners) {
		return new KafkaBindingRebalanceListener() {

			@Override
			public void onPartitionsAssigned(String bindingName, Consumer<?, ?> consumer,
					Collection<TopicPartition> partitions, boolean initial) {
				listeners.stream()
					.filter(l -> l.binding().equals(bindingName))
					.forEach(l -> l.assigned(consumer, partitions, initial));
			}

			@Override
			public void onPartitionsRevokedBeforeCommit(String bindingName, Consumer<?, ?> consumer,
					Collection<TopicPartition> partitions) {
				listeners.stream()
					.filter(l -> l.binding().equals(bindingName))
					.forEach(l -> l.revoked(consumer, partitions));
			}

		};
	}

}
