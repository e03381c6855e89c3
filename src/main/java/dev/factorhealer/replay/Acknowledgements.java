package dev.factorhealer.replay;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Kafka's acknowledgements of a group of sends (a batch of replayed records, or its
 * ledger entries), counted by one callback instead of a future per record: done once the
 * group is closed and every send of it acknowledged, failed at the first send that was
 * not.
 */
final class Acknowledgements implements Callback {

	/** Sends not yet acknowledged, plus one while the group is open. */
	private final AtomicInteger pending = new AtomicInteger(1);

	private final CompletableFuture<Void> done = new CompletableFuture<>();

	/**
	 * The callback of one more send of the group; called before the send, so the
	 * acknowledgement cannot come first.
	 */
	Callback expect() {
		this.pending.incrementAndGet();
		return this;
	}

	@Override
	public void onCompletion(RecordMetadata metadata, Exception exception) {
		if (exception != null) {
			this.done.completeExceptionally(exception);
		}
		else if (this.pending.decrementAndGet() == 0) {
			this.done.complete(null);
		}
	}

	/** No more sends in the group. */
	Acknowledgements close() {
		if (this.pending.decrementAndGet() == 0) {
			this.done.complete(null);
		}
		return this;
	}

	/** Whether the group is acknowledged or failed, i.e. {@link #await} does not wait. */
	boolean isDone() {
		return this.done.isDone();
	}

	/**
	 * Waits until every send of the closed group is acknowledged.
	 * @throws IllegalStateException when one was not, or not in time
	 */
	void await(String what, long timeoutSeconds) {
		try {
			this.done.get(timeoutSeconds, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new IllegalStateException("Kafka did not acknowledge the " + what + "; run the replay again "
					+ "(records already sent may be sent once more, which is harmless)", ex);
		}
	}

}
