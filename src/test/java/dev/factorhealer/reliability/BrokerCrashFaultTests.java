package dev.factorhealer.reliability;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.factorhealer.events.OktaEventHeaders;
import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.support.Deliveries;
import dev.factorhealer.support.ServiceProcess;
import dev.factorhealer.support.StandaloneKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker is killed (SIGKILL) under load and started again. The promise: an event
 * answered 200 is on {@code okta.events}; while Kafka is gone the hook answers 503 within
 * Okta's timeout; the service recovers without a restart of its own.
 */
class BrokerCrashFaultTests {

	private static final String SECRET = "fault-test-c-u4GbDQ_6qib0Yb8R-Nu4IC0aDc1j1";

	private static final int THREADS = 4;

	private static final int EVENTS_PER_DELIVERY = 5;

	private record Answer(long at, int status, long millis, List<String> uuids) {
	}

	@Test
	void everyEventAnswered200IsDurableAcrossABrokerCrash() throws Exception {
		try (StandaloneKafka kafka = StandaloneKafka.start("broker-crash");
				FakeOktaOrg okta = FakeOktaOrg.start();
				ServiceProcess service = ServiceProcess.start("broker-crash",
						Map.of("spring.kafka.bootstrap-servers", kafka.bootstrapServers(), "okta.client.org-url",
								okta.url(), "okta.client.token", okta.token(), "okta.testing.disable-https-check",
								"true", "healer.hook.secrets", SECRET))) {
			ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
			AtomicBoolean stop = new AtomicBoolean();
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
			ExecutorService load = Executors.newFixedThreadPool(THREADS);
			long start = System.nanoTime();
			for (int t = 0; t < THREADS; t++) {
				load.submit(() -> post(service, http, answers, stop));
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> answers.stream().filter(a -> a.status() == 200).count() >= 50);

			long killedAt = System.nanoTime() - start;
			kafka.kill();
			long grace = Duration.ofSeconds(3).toNanos();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> answers.stream()
					.filter(a -> a.at() > killedAt + grace && a.status() == 503)
					.count() >= 20);
			long restartedAt = System.nanoTime() - start;
			kafka.restart();
			await().atMost(Duration.ofSeconds(60))
				.until(() -> answers.stream().filter(a -> a.at() > restartedAt && a.status() == 200).count() >= 50);
			stop.set(true);
			load.shutdown();
			assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

			List<Answer> all = new ArrayList<>(answers);
			Set<String> acked = new HashSet<>();
			all.stream().filter(a -> a.status() == 200).forEach(a -> acked.addAll(a.uuids()));
			Set<String> durable = durableUuids(kafka.bootstrapServers());
			Set<String> lost = new HashSet<>(acked);
			lost.removeAll(durable);
			long sent = all.stream().mapToLong(a -> a.uuids().size()).sum();
			System.out.printf(
					"SCENARIO broker-crash: sent=%d acked=%d durable=%d lost=%d (deliveries: %d answered 200, "
							+ "%d answered 503, %d other; slowest answer %d ms)%n",
					sent, acked.size(), durable.stream().filter(acked::contains).count(), lost.size(),
					all.stream().filter(a -> a.status() == 200).count(),
					all.stream().filter(a -> a.status() == 503).count(),
					all.stream().filter(a -> a.status() != 200 && a.status() != 503).count(),
					all.stream().mapToLong(Answer::millis).max().orElse(0));

			assertThat(lost).as("events answered 200 but not on okta.events").isEmpty();
			assertThat(all).as("only 200 or 503").allSatisfy(a -> assertThat(a.status()).isIn(200, 503));
			assertThat(all).as("every answer within Okta's 3 s")
				.allSatisfy(a -> assertThat(a.millis()).isLessThan(2900));
			assertThat(all.stream().filter(a -> a.at() > killedAt + grace && a.at() < restartedAt))
				.as("no 200 while the broker is gone")
				.allSatisfy(a -> assertThat(a.status()).isEqualTo(503));
		}
	}

	private static void post(ServiceProcess service, HttpClient http, ConcurrentLinkedQueue<Answer> answers,
			AtomicBoolean stop) {
		long start = System.nanoTime();
		int bound = 100_000;
		while (!stop.get() && bound-- > 0) {
			List<String> uuids = new ArrayList<>();
			List<String> events = new ArrayList<>();
			for (int i = 0; i < EVENTS_PER_DELIVERY; i++) {
				String uuid = Deliveries.newUuid();
				uuids.add(uuid);
				events.add(Deliveries.sessionStartEvent(uuid, Deliveries.newUserId()));
			}
			long sentAt = System.nanoTime();
			int status;
			try {
				status = http
					.send(HttpRequest.newBuilder(service.url("/hooks/okta"))
						.timeout(Duration.ofSeconds(10))
						.header("Content-Type", "application/json")
						.header("Authorization", SECRET)
						.POST(HttpRequest.BodyPublishers.ofByteArray(Deliveries.delivery(Deliveries.newUuid(), events)))
						.build(), HttpResponse.BodyHandlers.discarding())
					.statusCode();
			}
			catch (Exception ex) {
				status = -1;
			}
			long now = System.nanoTime();
			answers.add(new Answer(sentAt - start, status, (now - sentAt) / 1_000_000, uuids));
		}
	}

	private static Set<String> durableUuids(String bootstrapServers) {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		Set<String> uuids = new HashSet<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor("okta.events")
				.stream()
				.map(p -> new TopicPartition(p.topic(), p.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					var header = record.headers().lastHeader(OktaEventHeaders.EVENT_UUID);
					uuids.add(new String(header.value(), StandardCharsets.UTF_8));
				}
				return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
			});
		}
		return uuids;
	}

}
