package dev.factorhealer.system;

import java.util.Collection;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A module's interest in which partitions of one of its Spring Cloud Stream bindings this
 * replica owns: what is shared by partition (the Okta budget, the detection memory)
 * follows the partitions through every rebalance. The binder accepts one rebalance
 * listener; {@link BindingRebalanceConfiguration} hands each change to the modules that
 * registered one of these.
 */
public interface BindingPartitions {

	/** The binding, e.g. {@code remediate-in-0}. */
	String binding();

	/**
	 * Called on the binding's consumer thread with the partitions just assigned (all of
	 * them the first time).
	 */
	default void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean initial) {
	}

	/**
	 * Called on the binding's consumer thread with the partitions taken away (revoked or
	 * lost).
	 */
	default void revoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
	}

}
