package dev.factorhealer.okta;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.factorhealer.fakeokta.FakeOktaOrg;
import dev.factorhealer.fakeokta.RecordedCall;

import static dev.factorhealer.okta.OktaClientFixture.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The call budget: sliced so that it holds in every sliding window, not only
 * clock-aligned ones, and the gate that stops at an empty bucket instead of drawing 429s.
 */
class OktaBudgetTests {

	private static final String USER = "00ubob000000000001";

	private FakeOktaOrg org;

	private ExecutorService pool;

	@BeforeEach
	void startOrg() {
		this.org = FakeOktaOrg.start();
		this.org.addUser(USER);
		this.org.addFactor(USER, null, "sms", "PENDING_ACTIVATION");
	}

	@AfterEach
	void stopOrg() throws InterruptedException {
		if (this.pool != null) {
			this.pool.shutdownNow();
			this.pool.awaitTermination(5, TimeUnit.SECONDS);
		}
		this.org.close();
	}

	@Test
	void theRefreshPeriodKeepsEverySixtySecondWindowWithinTheBudget() {
		Duration minute = Duration.ofMinutes(1);
		for (int budget = 2; budget <= 5000; budget++) {
			Duration period = CallBudget.refreshPeriod(budget);
			// cycles a 60 s window can overlap, each granting one permit
			long mostPermits = ceilDiv(minute.toNanos(), period.toNanos()) + 1;
			assertThat(mostPermits).as("permits in 60 s at budget %d", budget).isLessThanOrEqualTo(budget);
			// a pair's first call goes out up to PAIR_START_SLACK into the next period:
			// the padding of
			// the (budget - 1) periods a window spans must leave room for it
			assertThat(period.multipliedBy(budget - 1)).as("%d periods at budget %d", budget - 1, budget)
				.isGreaterThan(minute.plus(CallBudget.PAIR_START_SLACK));
			if (budget >= 20) {
				// (budget - 1) / budget less the padding (2 x 12 ms a minute) and a
				// nanosecond of rounding
				double throughput = (double) minute.toNanos() / period.toNanos() / budget;
				assertThat(throughput).as("share of budget %d used", budget).isGreaterThanOrEqualTo(0.95 - 0.0005);
			}
		}
		assertThat(CallBudget.refreshPeriod(30)).isBetween(Duration.ofMillis(2069), Duration.ofMillis(2071));
	}

	@Test
	void sharesOfDisjointPartitionsAddUpToAtMostTheBudget() {
		int[][] splits = { { 6 }, { 3, 3 }, { 2, 2, 2 }, { 2, 2, 1, 1 }, { 1, 1, 1, 1, 1, 1 }, { 5, 1 } };
		for (int budget : new int[] { 12, 13, 17, 29, 30, 31, 59, 60, 61, 100, 101, 599, 600, 601, 1200 }) {
			OktaClientFixture client = OktaClientFixture.against(this.org,
					Map.of("requests-per-minute", Integer.toString(budget)));
			for (int[] split : splits) {
				int sum = 0;
				for (int owned : split) {
					int share = client.http.share(owned, 6);
					assertThat(share).as("share of %d of 6 partitions at budget %d", owned, budget)
						.isGreaterThanOrEqualTo(2);
					sum += share;
				}
				assertThat(sum).as("shares %s at budget %d", java.util.Arrays.toString(split), budget)
					.isLessThanOrEqualTo(budget);
			}
		}
	}

	@Test
	void aReplicaWithoutPartitionsMakesNoCallsAndItsShareFollowsItsPartitions() {
		OktaClientFixture client = OktaClientFixture.against(this.org,
				Map.of("requests-per-minute", "120", "permit-timeout", "1s", "max-attempts", "1"));

		assertThat(client.http.share(0, 6)).isZero();
		assertThatThrownBy(() -> client.okta.listFactors(USER, in(Duration.ofSeconds(2))))
			.isInstanceOf(OktaException.Unavailable.class);
		assertThat(this.org.calls()).isEmpty();

		assertThat(client.http.share(3, 6)).isEqualTo(60);
		assertThat(client.okta.listFactors(USER, in(Duration.ofSeconds(5))).value()).hasSize(1);
		assertThat(this.org.calls()).hasSize(1);
	}

	@Test
	void concurrentCallersNeverExceedTheSlicedRateInAnySlidingWindow() throws Exception {
		int budget = 120;
		OktaClientFixture client = OktaClientFixture.against(this.org,
				Map.of("requests-per-minute", Integer.toString(budget)));
		Duration period = CallBudget.refreshPeriod(budget);
		Instant end = in(Duration.ofSeconds(5));
		AtomicInteger answered = new AtomicInteger();
		this.pool = Executors.newFixedThreadPool(3);
		List<Future<?>> hammers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			hammers.add(this.pool.submit(() -> {
				try {
					while (Instant.now().isBefore(end)) {
						client.okta.listFactors(USER, end);
						answered.incrementAndGet();
					}
				}
				catch (OktaException.Unavailable ex) {
					// no permit before the end: done
				}
			}));
		}
		for (Future<?> hammer : hammers) {
			hammer.get(15, TimeUnit.SECONDS);
		}

		assertThat(this.org.calls()).allMatch(RecordedCall::accepted).hasSize(answered.get());
		// 5 s at one permit every ~504 ms, minus the last slice
		assertThat(answered.get()).isBetween(9, 11);
		for (double periods : new double[] { 0.5, 1.5, 4.5 }) {
			Duration window = Duration.ofNanos((long) (period.toNanos() * periods));
			// a window overlaps at most ceil(window / period) + 1 refresh cycles of one
			// permit each;
			// windows are half a period off the next bound, so network jitter cannot fake
			// a pass
			long bound = (long) Math.ceil(periods) + 1;
			assertThat(this.org.maxCallsInAnySlidingWindow(window)).as("calls in any %s", window)
				.isLessThanOrEqualTo((int) bound);
		}
	}

	@Test
	void stopsAtAnEmptyBucketUntilTheResetInsteadOfDrawing429s() {
		OktaClientFixture client = OktaClientFixture.against(this.org);
		this.org.rateLimit(3, Duration.ofSeconds(2));

		for (int i = 0; i < 5; i++) {
			client.okta.listFactors(USER, in(Duration.ofSeconds(10)));
		}

		List<RecordedCall> calls = this.org.calls();
		assertThat(this.org.throttledCount()).isZero();
		assertThat(calls).hasSize(5).allMatch(call -> call.status() == 200);
		Instant firstWindowEnds = calls.get(0).receivedAt().plus(Duration.ofSeconds(2));
		Instant reset = Instant
			.ofEpochSecond(firstWindowEnds.getEpochSecond() + ((firstWindowEnds.getNano() == 0) ? 0 : 1));
		assertThat(calls.get(2).receivedAt()).isBefore(firstWindowEnds);
		assertThat(calls.get(3).receivedAt()).isAfterOrEqualTo(reset);
		assertThat(client.registry.get(OktaMetrics.REMAINING).gauge().value()).isEqualTo(1);
	}

	private static long ceilDiv(long dividend, long divisor) {
		return (dividend + divisor - 1) / divisor;
	}

}
