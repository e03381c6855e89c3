package dev.factorhealer.systemlog;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.factorhealer.support.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader election on the shared broker: one member of the lease group leads, and only
 * once it has read the org's last cursor back; another takes over when it leaves. The
 * test drives the leases' polls itself, as the poller's loop does.
 */
class SystemLogLeaseTests {

	private static final String ORG = "https://example.okta.com";

	private final List<SystemLogLease> leases = new ArrayList<>();

	@AfterEach
	void release() {
		this.leases.forEach(SystemLogLease::release);
	}

	@Test
	void theOnlyMemberLeadsOnceItHasReadTheOrgsLastCursorBack() throws Exception {
		String topic = SystemLogKafka.newCursorTopic();
		write(topic, ORG, "first");
		write(topic, "https://other.okta.com", "another org's");
		write(topic, ORG, "last");
		List<String> handed = new CopyOnWriteArrayList<>();
		SystemLogLease lease = lease(topic, SystemLogKafka.newLeaseGroup(), handed);

		await().atMost(Duration.ofSeconds(30)).until(() -> polled(lease).isLeading());

		assertThat(handed).containsExactly("last");
	}

	@Test
	void aMemberOfAnEmptyCursorTopicLeadsWithoutACursor() {
		List<String> handed = new CopyOnWriteArrayList<>();
		SystemLogLease lease = lease(SystemLogKafka.newCursorTopic(), SystemLogKafka.newLeaseGroup(), handed);

		await().atMost(Duration.ofSeconds(30)).until(() -> polled(lease).isLeading());

		assertThat(handed).containsExactly("(none)");
	}

	@Test
	void aSecondMemberFollowsUntilTheHolderLeavesAndThenLeadsFromTheCursor() throws Exception {
		String topic = SystemLogKafka.newCursorTopic();
		String group = SystemLogKafka.newLeaseGroup();
		List<String> firstHanded = new CopyOnWriteArrayList<>();
		List<String> secondHanded = new CopyOnWriteArrayList<>();
		SystemLogLease first = lease(topic, group, firstHanded);
		await().atMost(Duration.ofSeconds(30)).until(() -> polled(first).isLeading());
		SystemLogLease second = lease(topic, group, secondHanded);

		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(20))
			.until(() -> polled(first).isLeading() && !polled(second).isLeading());
		write(topic, ORG, "written by the first");
		first.release();
		await().atMost(Duration.ofSeconds(30)).until(() -> polled(second).isLeading());

		assertThat(first.isLeading()).isFalse();
		assertThat(firstHanded).containsExactly("(none)");
		assertThat(secondHanded).containsExactly("written by the first");
	}

	private SystemLogLease lease(String topic, String group, List<String> handed) {
		SystemLogProperties settings = SystemLogKafka.settings(group, Map.of());
		SystemLogLease lease = new SystemLogLease(
				SystemLogConfiguration.leaseConsumerConfig(SystemLogKafka.kafka(), settings, "lease-test"),
				SystemLogKafka.admin(), SystemLogConfiguration.cursorTopic(topic), ORG, group,
				(last) -> handed.add((last != null) ? new String(last, StandardCharsets.UTF_8) : "(none)"));
		this.leases.add(lease);
		return lease;
	}

	private static SystemLogLease polled(SystemLogLease lease) {
		lease.poll(Duration.ZERO);
		return lease;
	}

	private static void write(String topic, String key, String value) throws Exception {
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers()),
				new StringSerializer(), new ByteArraySerializer())) {
			producer.send(new ProducerRecord<>(topic, 0, key, value.getBytes(StandardCharsets.UTF_8))).get();
		}
	}

}
