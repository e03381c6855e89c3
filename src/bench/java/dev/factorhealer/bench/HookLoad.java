package dev.factorhealer.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * Drives {@code POST /hooks/okta} over loopback, one keep-alive connection per load thread
 * ({@link HookConnection}, or {@link HttpClient} with {@code --client=jdk}). Two shapes: closed
 * loop (a fixed number of connections, each sending its next delivery as soon as the previous
 * one is answered: saturation) and open loop (deliveries scheduled at a fixed rate, latency
 * measured from each request's <em>intended</em> start, so a stall delays and counts every
 * request behind it: no coordinated omission). Every delivery answered 200 is remembered in a
 * bitmap for the Kafka audit. Every loop is bounded by its end time, by the bitmap's capacity and
 * by a 10 s timeout per request.
 */
final class HookLoad {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private final URI hook;

	private final String secret;

	private final LoadDeliveries deliveries;

	private final long capacity;

	private final AtomicLongArray acked;

	private final boolean jdkClient;

	HookLoad(URI hook, String secret, LoadDeliveries deliveries, long capacity, boolean jdkClient) {
		this.hook = hook;
		this.secret = secret;
		this.deliveries = deliveries;
		this.capacity = capacity;
		this.acked = new AtomicLongArray((int) ((capacity + 63) / 64));
		this.jdkClient = jdkClient;
	}

	/** What one phase did. */
	record Phase(String name, int connections, double seconds, long ok, Map<String, Long> failures,
			Histogram latency, double offeredPerSecond) {

		double deliveriesPerSecond() {
			return this.ok / this.seconds;
		}

		double eventsPerSecond() {
			return deliveriesPerSecond() * LoadDeliveries.EVENTS_PER_DELIVERY;
		}

		long failed() {
			return this.failures.values().stream().mapToLong(Long::longValue).sum();
		}

		double millis(double percentile) {
			return this.latency.getValueAtPercentile(percentile) / 1e6;
		}

	}

	/** Sends one delivery and returns the answer's status; one per load thread. */
	private interface Sender extends AutoCloseable {

		int send(byte[] body) throws Exception;

		/** Connects ahead of the first send, where the sender keeps a connection. */
		default void open() throws IOException {
		}

		@Override
		void close();

	}

	/** Counters shared by the threads of one phase. */
	private static final class Tally {

		final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

		final LongAdder ok = new LongAdder();

		final List<Histogram> histograms = new ArrayList<>();

		void fail(String why) {
			this.failures.computeIfAbsent(why, k -> new LongAdder()).increment();
		}

		synchronized Histogram newHistogram() {
			Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
			this.histograms.add(histogram);
			return histogram;
		}

		Histogram merged() {
			Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
			this.histograms.forEach(all::add);
			return all;
		}

		Map<String, Long> failureCounts() {
			Map<String, Long> copy = new TreeMap<>();
			this.failures.forEach((k, v) -> copy.put(k, v.sum()));
			return copy;
		}

	}

	/** {@code connections} threads, each with one request in flight, for {@code duration}. */
	Phase closedLoop(String name, int connections, Duration duration) throws InterruptedException {
		HttpClient client = jdkClient();
		Tally tally = new Tally();
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < connections; c++) {
			Histogram latency = tally.newHistogram();
			threads.add(start("load-" + name + "-" + c, () -> {
				try (Sender sender = sender(client)) {
					while (System.nanoTime() < end) {
						long delivery = this.deliveries.next();
						if (delivery >= this.capacity) {
							tally.fail("capacity");
							return;
						}
						long sent = System.nanoTime();
						String outcome = post(sender, delivery);
						long answered = System.nanoTime();
						if (outcome != null) {
							tally.fail(outcome);
						}
						else if (answered <= end) {
							tally.ok.increment();
							latency.recordValue(Math.min(answered - sent, latency.getHighestTrackableValue()));
						}
					}
				}
			}));
		}
		join(threads, end);
		return new Phase(name, connections, (end - start) / 1e9, tally.ok.sum(), tally.failureCounts(), tally.merged(),
				0);
	}

	/**
	 * Deliveries at {@code perSecond}, each sent at its scheduled instant by one of
	 * {@code maxInFlight} workers (late when all are busy: the lateness counts as latency).
	 */
	Phase openLoop(String name, double perSecond, Duration duration, int maxInFlight) throws InterruptedException {
		return openLoop(name, perSecond, duration, maxInFlight, null);
	}

	/**
	 * An open loop that also keeps each request's latency by its scheduled instant, to follow how
	 * latency settles after a start.
	 */
	Timeline openLoopTimeline(String name, double perSecond, Duration duration, int maxInFlight)
			throws InterruptedException {
		AtomicLongArray latencies = new AtomicLongArray((int) Math.ceil(perSecond * duration.toNanos() / 1e9) + 1);
		for (int i = 0; i < latencies.length(); i++) {
			latencies.set(i, -1);
		}
		Phase phase = openLoop(name, perSecond, duration, maxInFlight, latencies);
		long[] copy = new long[latencies.length()];
		for (int i = 0; i < copy.length; i++) {
			copy[i] = latencies.get(i);
		}
		return new Timeline(phase, perSecond, copy);
	}

	/** Latency of every request of an open loop by its scheduled instant (-1: not answered when the loop ended). */
	record Timeline(Phase phase, double perSecond, long[] latencies) {

		/** p99 in milliseconds of each whole second of the loop. */
		double[] p99BySecond() {
			int seconds = Math.max(1, (int) Math.floor((this.latencies.length - 1) / this.perSecond));
			double[] p99 = new double[seconds];
			for (int s = 0; s < seconds; s++) {
				int from = (int) (s * this.perSecond);
				int to = (int) Math.min(this.latencies.length, (s + 1) * this.perSecond);
				Histogram window = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
				for (int i = from; i < to; i++) {
					// not answered when the loop ended: as late as a failure
					long latency = this.latencies[i] < 0 ? window.getHighestTrackableValue() : this.latencies[i];
					window.recordValue(Math.min(latency, window.getHighestTrackableValue()));
				}
				p99[s] = window.getValueAtPercentile(99) / 1e6;
			}
			return p99;
		}

		/**
		 * Seconds into the loop from which the p99 of every second stays at or under
		 * {@code millis}; -1 if the last second is still above it.
		 */
		int steadyAfter(double millis) {
			double[] p99 = p99BySecond();
			int steady = p99.length;
			for (int s = p99.length - 1; s >= 0 && p99[s] <= millis; s--) {
				steady = s;
			}
			return steady == p99.length ? -1 : steady;
		}

	}

	private Phase openLoop(String name, double perSecond, Duration duration, int maxInFlight,
			AtomicLongArray timeline) throws InterruptedException {
		HttpClient client = jdkClient();
		Tally tally = new Tally();
		AtomicLong tickets = new AtomicLong();
		double period = 1e9 / perSecond;
		// connections and histograms (64 of about 0.2 MB each) are made before the clock
		// starts, so that the loop's first requests are not late for them
		List<Sender> senders = new ArrayList<>();
		List<Histogram> histograms = new ArrayList<>();
		for (int c = 0; c < maxInFlight; c++) {
			Sender sender = sender(client);
			senders.add(sender);
			histograms.add(tally.newHistogram());
			try {
				sender.open();
			}
			catch (IOException ex) {
				// the first send connects again, and counts a failure if it cannot
			}
		}
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
		long end = start + duration.toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < maxInFlight; c++) {
			Histogram latency = histograms.get(c);
			Sender opened = senders.get(c);
			threads.add(start("open-" + name + "-" + c, () -> {
				try (Sender sender = opened) {
					while (true) {
						long ticket = tickets.getAndIncrement();
						long intended = start + (long) (ticket * period);
						if (intended >= end) {
							return;
						}
						long now;
						while ((now = System.nanoTime()) < intended) {
							LockSupport.parkNanos(intended - now);
						}
						long delivery = this.deliveries.next();
						if (delivery >= this.capacity) {
							tally.fail("capacity");
							return;
						}
						String outcome = post(sender, delivery);
						long took = System.nanoTime() - intended;
						latency.recordValue(Math.min(took, latency.getHighestTrackableValue()));
						if (timeline != null && ticket < timeline.length()) {
							timeline.set((int) ticket, outcome == null ? took : TimeUnit.SECONDS.toNanos(60));
						}
						if (outcome == null) {
							tally.ok.increment();
						}
						else {
							tally.fail(outcome);
						}
					}
				}
			}));
		}
		join(threads, end + REQUEST_TIMEOUT.toNanos());
		return new Phase(name, maxInFlight, (end - start) / 1e9, tally.ok.sum(), tally.failureCounts(),
				tally.merged(), perSecond);
	}

	/** Whether delivery {@code sequence} was answered 200. */
	boolean acked(long sequence) {
		return sequence < this.capacity && (this.acked.get((int) (sequence >>> 6)) & (1L << (sequence & 63))) != 0;
	}

	/** {@code null} for 200, else what went wrong ("503", "IOException", ...). */
	private String post(Sender sender, long delivery) {
		try {
			int status = sender.send(this.deliveries.body(delivery));
			if (status == 200) {
				markAcked(delivery);
				return null;
			}
			return String.valueOf(status);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
		catch (Exception ex) {
			return ex.getClass().getSimpleName();
		}
	}

	private void markAcked(long sequence) {
		int index = (int) (sequence >>> 6);
		long bit = 1L << (sequence & 63);
		long current;
		do {
			current = this.acked.get(index);
		}
		while (!this.acked.compareAndSet(index, current, current | bit));
	}

	private Sender sender(HttpClient shared) {
		if (shared == null) {
			HookConnection connection = new HookConnection(this.hook.getHost(), this.hook.getPort(), this.hook.getPath(),
					this.secret);
			return new Sender() {
				@Override
				public int send(byte[] body) throws Exception {
					return connection.post(body);
				}

				@Override
				public void open() throws IOException {
					connection.open();
				}

				@Override
				public void close() {
					connection.close();
				}
			};
		}
		return new Sender() {
			@Override
			public int send(byte[] body) throws Exception {
				HttpRequest request = HttpRequest.newBuilder(HookLoad.this.hook)
					.timeout(REQUEST_TIMEOUT)
					.header("Content-Type", "application/json")
					.header("Authorization", HookLoad.this.secret)
					.POST(HttpRequest.BodyPublishers.ofByteArray(body))
					.build();
				return shared.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			}

			@Override
			public void close() {
			}
		};
	}

	/** A fresh {@link HttpClient} per phase with {@code --client=jdk}, else {@code null}. */
	private HttpClient jdkClient() {
		return !this.jdkClient ? null
				: HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
	}

	private static Thread start(String name, Runnable work) {
		Thread thread = new Thread(work, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static void join(List<Thread> threads, long deadline) throws InterruptedException {
		for (Thread thread : threads) {
			long left = deadline + TimeUnit.SECONDS.toNanos(15) - System.nanoTime();
			if (left > 0) {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
			}
		}
	}

}
