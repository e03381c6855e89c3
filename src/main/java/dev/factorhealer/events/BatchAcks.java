package dev.factorhealer.events;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The acknowledgements of one batch of sends: a single callback for all its records (one
 * object per batch rather than a future per record), and the wait for the last of them.
 * Keeps the first failure; a batch counts as durable only when every record was
 * acknowledged without one.
 */
final class BatchAcks implements Callback {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition done = this.lock.newCondition();

	private final AtomicReference<Exception> failure = new AtomicReference<>();

	private int pending;

	BatchAcks(int records) {
		this.pending = records;
	}

	@Override
	public void onCompletion(RecordMetadata metadata, Exception exception) {
		if (exception != null) {
			this.failure.compareAndSet(null, exception);
		}
		this.lock.lock();
		try {
			if (--this.pending == 0 || exception != null) {
				this.done.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits until every record is acknowledged, one failed, or the deadline
	 * ({@link System#nanoTime} based) passed; {@link #pending()} and {@link #failure()}
	 * tell which.
	 */
	void await(long deadlineNanos) throws InterruptedException {
		this.lock.lock();
		try {
			long left = deadlineNanos - System.nanoTime();
			while (this.pending > 0 && this.failure.get() == null && left > 0) {
				left = this.done.awaitNanos(left);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Records not acknowledged yet (including those never sent). */
	int pending() {
		this.lock.lock();
		try {
			return this.pending;
		}
		finally {
			this.lock.unlock();
		}
	}

	Exception failure() {
		return this.failure.get();
	}

}
