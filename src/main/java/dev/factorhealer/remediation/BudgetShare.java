package dev.factorhealer.remediation;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.factorhealer.okta.OktaFactors;
import dev.factorhealer.system.BindingPartitions;

/**
 * Keeps this replica's share of the Okta budget proportional to the partitions of
 * {@code okta.remediation.requests} it owns. Cooperative rebalancing takes partitions
 * away before it gives them to another replica, so the shares of all replicas never add
 * up to more than {@code healer.okta.requests-per-minute}; a replica that dies stops
 * calling, and its partitions (and their share) move only after its session times out.
 */
final class BudgetShare implements BindingPartitions {

	private static final Logger log = LoggerFactory.getLogger(BudgetShare.class);

	static final String BINDING = "remediate-in-0";

	private final OktaFactors okta;

	private final Set<TopicPartition> owned = new HashSet<>();

	BudgetShare(OktaFactors okta) {
		this.okta = okta;
	}

	@Override
	public String binding() {
		return BINDING;
	}

	@Override
	public synchronized void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean initial) {
		this.owned.addAll(partitions);
		update(consumer, partitions.isEmpty() ? null : partitions.iterator().next().topic());
	}

	@Override
	public synchronized void revoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		this.owned.removeAll(partitions);
		update(consumer, partitions.isEmpty() ? null : partitions.iterator().next().topic());
	}

	private void update(Consumer<?, ?> consumer, String topic) {
		if (topic == null) {
			return;
		}
		int total = consumer.partitionsFor(topic).size();
		int share = this.okta.shareBudget(this.owned.size(), total);
		if (share == 0 && !this.owned.isEmpty()) {
			log.error(
					"Okta budget share of {} of {} partitions of {} is under 2 calls a minute: this replica makes no "
							+ "Okta calls; raise healer.okta.requests-per-minute to at least 2 per partition",
					this.owned.size(), total, topic);
		}
		else {
			log.info("Okta budget share: {} calls a minute for {} of {} partitions of {}", share, this.owned.size(),
					total, topic);
		}
	}

}
