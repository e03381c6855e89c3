package dev.factorhealer.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.RateLimitBucket;
import dev.factorhealer.fakeokta.RecordedCall;
import dev.factorhealer.support.Deliveries;

/**
 * The heal path against a rate-limited fake Okta org: a backlog of stuck users posted at once
 * (the budget is the bottleneck: how much of it is used, and never a 429), then a trickle of
 * stuck users well under the budget (how long from detection to DELETE when nothing queues).
 * Detection-to-outcome latency comes from {@code okta.remediation.results}
 * ({@code finishedAt - detectedAt}); calls per minute from the calls the fake org recorded.
 */
final class HealRun {

	private static final JsonMapper json = JsonMapper.builder().build();

	record Result(int backlogUsers, int trickleUsers, int budget, int oktaLimit, long acceptedCalls, int maxIn60s,
			double backlogCallsPerMinute, double backlogSeconds, long throttled, Map<String, Long> outcomes,
			Histogram backlogLatency, Histogram trickleLatency, long missingResults) {

		double maxWindowShare() {
			return (double) this.maxIn60s / this.budget;
		}

		double backlogShare() {
			return this.backlogCallsPerMinute / this.budget;
		}

	}

	private final String bootstrapServers;

	private final FakeOktaOrg okta;

	private final URI hook;

	private final String secret;

	private final PrintStream log;

	HealRun(String bootstrapServers, FakeOktaOrg okta, URI hook, String secret, PrintStream log) {
		this.bootstrapServers = bootstrapServers;
		this.okta = okta;
		this.hook = hook;
		this.secret = secret;
		this.log = log;
	}

	Result run(List<String> backlogUsers, List<String> trickleUsers, Duration trickleInterval, int budget, int oktaLimit)
			throws Exception {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		Map<String, JsonNode> results = new HashMap<>();
		try (KafkaConsumer<String, byte[]> consumer = resultsConsumer()) {
			// the backlog: every stuck user at once, 10 events per delivery
			for (int i = 0; i < backlogUsers.size(); i += 10) {
				List<String> events = new ArrayList<>();
				for (String user : backlogUsers.subList(i, Math.min(backlogUsers.size(), i + 10))) {
					events.add(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user));
				}
				post(http, events);
			}
			double expectedMinutes = backlogUsers.size() * 2.0 / budget;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90 + (long) (expectedMinutes * 60 * 2.5));
			this.log.printf("  heal: %d stuck users posted; at most %d calls/min that is %.1f min of work%n",
					backlogUsers.size(), budget, expectedMinutes);
			long lastReport = System.nanoTime();
			while (!results.keySet().containsAll(backlogUsers) && System.nanoTime() < deadline) {
				poll(consumer, results);
				if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(30)) {
					lastReport = System.nanoTime();
					this.log.printf("  heal: %d/%d results, %d Okta calls so far%n",
							backlogUsers.stream().filter(results::containsKey).count(), backlogUsers.size(),
							this.okta.calls().size());
				}
			}
			// a pause between the two, so that the first of the trickle does not meet the last
			// DELETE's pause-after-delete
			long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (System.nanoTime() < settle) {
				poll(consumer, results);
			}
			// the trickle: one stuck user every interval on average (jittered, so that arrivals do not
			// lock onto the budget's refresh period), well under the budget
			for (String user : trickleUsers) {
				long next = System.nanoTime()
						+ (long) (trickleInterval.toNanos() * java.util.concurrent.ThreadLocalRandom.current().nextDouble(0.5, 1.5));
				post(http, List.of(Deliveries.stuckSmsEvent(Deliveries.newUuid(), user),
						Deliveries.sessionStartEvent(Deliveries.newUuid(), Deliveries.newUserId())));
				while (System.nanoTime() < next) {
					poll(consumer, results);
				}
			}
			long trickleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!results.keySet().containsAll(trickleUsers) && System.nanoTime() < trickleDeadline) {
				poll(consumer, results);
			}
		}
		return summarize(backlogUsers, trickleUsers, results, budget, oktaLimit);
	}

	private Result summarize(List<String> backlogUsers, List<String> trickleUsers, Map<String, JsonNode> results,
			int budget, int oktaLimit) {
		List<RecordedCall> calls = this.okta.calls();
		// the budget is the factors (users) bucket's; the System Log poller has a bucket of its own
		List<RecordedCall> accepted = calls.stream().filter(HealRun::budgeted).toList();
		Set<String> backlog = new HashSet<>(backlogUsers);
		Instant first = null;
		Instant last = null;
		for (RecordedCall call : accepted) {
			String user = userOf(call.path());
			if (backlog.contains(user)) {
				first = first == null ? call.receivedAt() : first;
				last = call.receivedAt();
			}
		}
		long inBacklog = 0;
		if (first != null) {
			for (RecordedCall call : accepted) {
				if (!call.receivedAt().isBefore(first) && !call.receivedAt().isAfter(last)) {
					inBacklog++;
				}
			}
		}
		double seconds = first == null ? 0 : Duration.between(first, last).toNanos() / 1e9;
		// n calls span n - 1 intervals
		double perMinute = seconds > 0 ? (inBacklog - 1) / seconds * 60 : 0;
		Map<String, Long> outcomes = new TreeMap<>();
		Histogram backlogLatency = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
		Histogram trickleLatency = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
		long missing = 0;
		for (String user : backlogUsers) {
			missing += record(results.get(user), outcomes, backlogLatency);
		}
		for (String user : trickleUsers) {
			missing += record(results.get(user), outcomes, trickleLatency);
		}
		return new Result(backlogUsers.size(), trickleUsers.size(), budget, oktaLimit, accepted.size(),
				this.okta.maxCallsInAnySlidingWindow(Duration.ofSeconds(60), HealRun::budgeted), perMinute, seconds,
				this.okta.throttledCount(), outcomes, backlogLatency, trickleLatency, missing);
	}

	/** Every call the fake org received, for a closer look: seconds since the first, method, path, status. */
	void writeCalls(java.nio.file.Path file) throws java.io.IOException {
		List<RecordedCall> calls = this.okta.calls();
		StringBuilder csv = new StringBuilder("seconds,method,path,status,accepted\n");
		Instant first = calls.isEmpty() ? Instant.EPOCH : calls.get(0).receivedAt();
		for (RecordedCall call : calls) {
			csv.append(String.format(java.util.Locale.ROOT, "%.3f,%s,%s,%d,%s%n",
					Duration.between(first, call.receivedAt()).toNanos() / 1e9, call.method(), call.path(), call.status(),
					call.accepted()));
		}
		java.nio.file.Files.writeString(file, csv);
	}

	private static boolean budgeted(RecordedCall call) {
		return call.accepted() && call.bucket() == RateLimitBucket.USERS;
	}

	private static long record(JsonNode result, Map<String, Long> outcomes, Histogram latencyMillis) {
		if (result == null) {
			return 1;
		}
		outcomes.merge(result.path("outcome").asString("?"), 1L, Long::sum);
		Instant detected = instant(result.get("detectedAt"));
		Instant finished = instant(result.get("finishedAt"));
		if (detected != null && finished != null) {
			latencyMillis.recordValue(Math.max(0, Math.min(Duration.between(detected, finished).toMillis(),
					latencyMillis.getHighestTrackableValue())));
		}
		return 0;
	}

	private static Instant instant(JsonNode node) {
		if (node == null || node.isNull()) {
			return null;
		}
		if (node.isNumber()) {
			return Instant.ofEpochSecond(0, (long) (node.asDouble() * 1e9));
		}
		return Instant.parse(node.asString());
	}

	/** {@code /api/v1/users/{userId}/factors...} to the user id. */
	private static String userOf(String path) {
		String[] segments = path.split("/");
		return segments.length > 4 ? segments[4] : "";
	}

	private void post(HttpClient http, List<String> events) throws Exception {
		HttpResponse<String> answer = http.send(HttpRequest.newBuilder(this.hook)
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.header("Authorization", this.secret)
			.POST(HttpRequest.BodyPublishers.ofByteArray(Deliveries.delivery(Deliveries.newUuid(), events)))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("the hook answered " + answer.statusCode() + ": " + answer.body());
		}
	}

	private KafkaConsumer<String, byte[]> resultsConsumer() {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
				new ByteArrayDeserializer());
		String topic = "okta.remediation.results";
		List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
			.stream()
			.map(p -> new TopicPartition(topic, p.partition()))
			.toList();
		consumer.assign(partitions);
		consumer.seekToEnd(partitions);
		partitions.forEach(consumer::position);
		return consumer;
	}

	private static void poll(KafkaConsumer<String, byte[]> consumer, Map<String, JsonNode> results) {
		for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
			results.put(record.key(), json.readTree(record.value()));
		}
	}

}
