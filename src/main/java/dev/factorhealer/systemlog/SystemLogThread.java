package dev.factorhealer.systemlog;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller's one thread, apart from what it does: started and stopped with the
 * application, with a pause that a stop cuts short. A stop may let the work in hand
 * finish (a page whose events are being published, so that its cursor is written) or
 * interrupt it (an Okta call or a wait for its rate limit: nothing of that page was
 * published yet).
 */
final class SystemLogThread {

	private static final Logger log = LoggerFactory.getLogger(SystemLogThread.class);

	/** How long a stop lets the work in hand finish before interrupting it. */
	static final Duration STOP_GRACE = Duration.ofSeconds(15);

	/** How long a stop waits for the interrupted loop to end. */
	static final Duration STOP_WAKEUP = Duration.ofSeconds(10);

	private final String name;

	private final Object lifecycle = new Object();

	private final Object pause = new Object();

	private ExecutorService executor;

	private volatile boolean running;

	/**
	 * @param name the thread's name
	 */
	SystemLogThread(String name) {
		this.name = name;
	}

	boolean isRunning() {
		return this.running;
	}

	/** Runs {@code loop} on a new daemon thread; {@code false} when one runs already. */
	boolean start(Runnable loop) {
		synchronized (this.lifecycle) {
			if (this.running) {
				return false;
			}
			this.running = true;
			this.executor = Executors.newSingleThreadExecutor(task -> {
				Thread thread = new Thread(task, this.name);
				thread.setDaemon(true);
				return thread;
			});
			this.executor.execute(loop);
			return true;
		}
	}

	/**
	 * Stops the thread and waits for it to end.
	 * @param wakeup cuts a blocking call of the loop short
	 * @param letFinish whether the work in hand may finish (within {@link #STOP_GRACE})
	 * rather than be interrupted at once
	 * @return {@code false} when it was not running
	 */
	boolean stop(Runnable wakeup, BooleanSupplier letFinish) {
		ExecutorService stopping;
		synchronized (this.lifecycle) {
			if (!this.running) {
				return false;
			}
			this.running = false;
			stopping = this.executor;
			this.executor = null;
		}
		wakeup.run();
		synchronized (this.pause) {
			this.pause.notifyAll();
		}
		Duration grace;
		if (letFinish.getAsBoolean()) {
			stopping.shutdown();
			grace = STOP_GRACE;
		}
		else {
			stopping.shutdownNow();
			grace = STOP_WAKEUP;
		}
		awaitTermination(stopping, grace);
		return true;
	}

	private static void awaitTermination(ExecutorService stopping, Duration grace) {
		try {
			if (!stopping.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				stopping.shutdownNow();
				if (!stopping.awaitTermination(5, TimeUnit.SECONDS)) {
					log.warn("System Log poller thread did not stop within {}", grace.plusSeconds(5));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			stopping.shutdownNow();
		}
	}

	/** Waits for {@code duration}, or less when the thread is stopped meanwhile. */
	void pause(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		synchronized (this.pause) {
			while (this.running) {
				long left = until - System.nanoTime();
				if (left <= 0) {
					return;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.pause, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

}
