package dev.factorhealer.systemlog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.KafkaTemplate;

/**
 * The poll position's durable home: this org's record on partition 0 of the compacted
 * cursor topic. It decides where a new lease holder starts (the record read back; a new
 * query when the filter or limit changed; {@code look-back} ago when there is none or it
 * is unreadable), and writes a new position with {@code acks=all}, waited for. Keeping
 * these rules apart from the loop keeps the one invariant that matters visible: the
 * poller writes only after a page's events are acknowledged, so a crash re-reads a page
 * and never skips one. Used by the poll thread only.
 */
final class SystemLogCursorStore {

	private static final Logger log = LoggerFactory.getLogger(SystemLogCursorStore.class);

	private final KafkaTemplate<String, byte[]> writer;

	private final TopicPartition partition;

	private final String key;

	private final SystemLogProperties settings;

	private final JsonMapper mapper;

	private final Clock clock;

	/** The last cursor read back or written: what is durable now. */
	private SystemLogCursor written;

	/**
	 * @param key the key of this org's cursor record: the org URL, so that pointing the
	 * service at another org starts afresh
	 */
	SystemLogCursorStore(KafkaTemplate<String, byte[]> writer, TopicPartition partition, String key,
			SystemLogProperties settings, JsonMapper mapper, Clock clock) {
		this.writer = writer;
		this.partition = partition;
		this.key = key;
		this.settings = settings;
		this.mapper = mapper;
		this.clock = clock;
	}

	/**
	 * Where to poll from, given the last record read back for this org.
	 * @param lastCursor the record's value, {@code null} when there is none
	 * @param now when the lease was gained: a first poll starts {@code look-back} before
	 * it
	 */
	SystemLogCursor restore(byte[] lastCursor, Instant now) {
		SystemLogCursor found = read(lastCursor);
		String filter = this.settings.filter();
		int limit = this.settings.limit();
		if (found == null) {
			SystemLogCursor first = SystemLogCursor.startingAt(now.minus(this.settings.lookBack()), filter, limit);
			this.written = null;
			log.info("System Log cursor initialised: none for {} on {}; the first poll starts at {} (look-back {})",
					this.key, this.partition, first.since(), this.settings.lookBack());
			return first;
		}
		this.written = found;
		if (!found.isFor(filter, limit)) {
			SystemLogCursor restarted = found.restarted(filter, limit);
			log.info("System Log cursor restored at position {}, but the filter or limit changed: a new query from {}",
					found.position(), restarted.since());
			return restarted;
		}
		log.info("System Log cursor restored: position {}, {}", found.position(),
				(found.next() != null) ? "following its next link" : "a new query from " + found.since());
		return found;
	}

	private SystemLogCursor read(byte[] value) {
		if (value == null) {
			return null;
		}
		try {
			return SystemLogCursor.fromJson(this.mapper, value);
		}
		catch (IllegalArgumentException ex) {
			log.warn("System Log cursor of {} on {} is unreadable ({}): starting afresh", this.key, this.partition,
					ex.getMessage());
			return null;
		}
	}

	/**
	 * Whether {@code next} is worth a write: always after a page with events, else only
	 * when the query moved (a new link or a new query); the position alone moving is not.
	 */
	boolean needsWrite(SystemLogCursor next, boolean pageHadEvents) {
		return pageHadEvents || !next.sameQuery(this.written);
	}

	/**
	 * Writes {@code next} and waits for Kafka's acknowledgement, at most
	 * {@code publish-timeout}.
	 * @throws CursorNotDurableException when it was not acknowledged in time
	 */
	void write(SystemLogCursor next) throws CursorNotDurableException {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.partition.topic(), this.partition.partition(),
				this.key, next.toJson(this.mapper, this.clock.instant()));
		Duration timeout = this.settings.publishTimeout();
		try {
			this.writer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			this.written = next;
		}
		catch (ExecutionException ex) {
			throw new CursorNotDurableException("Kafka refused the cursor: " + ex.getCause(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new CursorNotDurableException("Kafka did not acknowledge the cursor within " + timeout, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CursorNotDurableException("interrupted while writing the cursor", ex);
		}
		catch (RuntimeException ex) {
			throw new CursorNotDurableException("Kafka is not reachable: " + ex.getMessage(), ex);
		}
	}

	/** Closes the cursor producer; a new one is made if the poller starts again. */
	void close() {
		this.writer.getProducerFactory().reset();
	}

	/**
	 * The page's events are durable but the cursor is not: the page will be read again
	 * (harmless).
	 */
	static final class CursorNotDurableException extends Exception {

		CursorNotDurableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
