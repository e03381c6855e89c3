package dev.factorhealer.systemlog;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

import dev.factorhealer.events.EventKeys;
import dev.factorhealer.events.EventSource;
import dev.factorhealer.events.OktaEvent;
import dev.factorhealer.events.OktaEventPublisher;
import dev.factorhealer.events.OktaEventPublisher.EventsNotDurableException;
import dev.factorhealer.okta.LogPage;
import dev.factorhealer.okta.OktaAnswer;
import dev.factorhealer.okta.OktaException;
import dev.factorhealer.okta.OktaSystemLog;

/**
 * Polls the System Log on one thread of its own, on the one replica that holds the lease, and
 * makes every event durable on {@code okta.events} exactly as a hook delivery would
 * ({@link EventSource#SYSTEMLOG}). One loop does everything, so no page is ever in flight while
 * the lease changes hands: it polls the lease consumer (waiting in that poll between System Log
 * polls), restores the cursor when the lease is gained, then fetches a page, publishes its events,
 * waits for their acknowledgements, and only then writes the new cursor ({@code acks=all}, waited
 * for). A full page is followed at once, a short one after {@code interval}; a failure is logged
 * and tried again after {@code interval}; nothing ends the loop but {@link #stop()}.
 */
final class SystemLogPoller implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {

	private static final Logger log = LoggerFactory.getLogger(SystemLogPoller.class);

	/** Longest wait in the lease consumer's poll, so that lease changes and stops are seen quickly. */
	static final Duration IDLE_WAIT = Duration.ofSeconds(1);

	/** Wait in the lease consumer's poll while reading the cursor back. */
	static final Duration RESTORE_WAIT = Duration.ofMillis(100);

	/** How long {@link #stop()} lets a page being published finish before interrupting it. */
	static final Duration STOP_GRACE = Duration.ofSeconds(15);

	/** How long {@link #stop()} waits for the interrupted loop to close its lease consumer. */
	static final Duration STOP_WAKEUP = Duration.ofSeconds(10);

	/** The lease, and the cursor, are partition 0 of the cursor topic. */
	static final int CURSOR_PARTITION = 0;

	static final String OK = "200";

	private enum Lease {

		/** Another replica polls (or none is assigned yet). */
		FOLLOWING,

		/** This replica holds the lease and reads the cursor back. */
		RESTORING,

		/** This replica polls. */
		LEADING

	}

	private final String name;

	private final SystemLogProperties settings;

	private final OktaSystemLog okta;

	private final OktaEventPublisher publisher;

	private final Map<String, Object> leaseConsumerConfig;

	private final KafkaTemplate<String, byte[]> cursorWriter;

	private final KafkaAdmin admin;

	private final NewTopic cursorTopic;

	private final TopicPartition partition;

	private final String cursorKey;

	private final JsonMapper mapper;

	private final SystemLogMetrics metrics;

	private final Clock clock;

	private final Object lifecycle = new Object();

	private final Object pause = new Object();

	private ExecutorService executor;

	private volatile boolean running;

	private volatile boolean publishing;

	private volatile KafkaConsumer<String, byte[]> consumer;

	private volatile Lease lease = Lease.FOLLOWING;

	private volatile SystemLogCursor cursor;

	// the poll thread's own state

	private SystemLogCursor written;

	private Instant nextPollAt = Instant.MIN;

	private long restoreEnd;

	private byte[] restored;

	/**
	 * @param name names the thread and the Kafka clients ({@code healer-<name>-...})
	 * @param cursorKey the key of this org's cursor record: the org URL, so that pointing the
	 * service at another org starts afresh
	 */
	SystemLogPoller(String name, SystemLogProperties settings, OktaSystemLog okta, OktaEventPublisher publisher,
			Map<String, Object> leaseConsumerConfig, KafkaTemplate<String, byte[]> cursorWriter, KafkaAdmin admin,
			NewTopic cursorTopic, String cursorKey, JsonMapper mapper, MeterRegistry registry, Clock clock) {
		this.name = name;
		this.settings = settings;
		this.okta = okta;
		this.publisher = publisher;
		this.leaseConsumerConfig = Map.copyOf(leaseConsumerConfig);
		this.cursorWriter = cursorWriter;
		this.admin = admin;
		this.cursorTopic = cursorTopic;
		this.partition = new TopicPartition(cursorTopic.name(), CURSOR_PARTITION);
		this.cursorKey = cursorKey;
		this.mapper = mapper;
		this.clock = clock;
		this.metrics = new SystemLogMetrics(registry, this::lagSeconds);
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (this.settings.enabled()) {
			start();
		}
		else {
			log.info("System Log poller off (healer.systemlog.enabled=false): only the event hook brings events");
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycle) {
			if (this.running) {
				return;
			}
			this.running = true;
			this.executor = Executors.newSingleThreadExecutor(task -> {
				Thread thread = new Thread(task, "healer-" + this.name);
				thread.setDaemon(true);
				return thread;
			});
			this.executor.execute(this::run);
		}
		log.info("System Log poller started: filter '{}', up to {} events a page, every {} once caught up; "
				+ "the replica of group {} holding {} polls", this.settings.filter(), this.settings.limit(),
				this.settings.interval(), this.settings.leaseGroup(), this.partition);
	}

	@Override
	public void stop() {
		ExecutorService stopping;
		synchronized (this.lifecycle) {
			if (!this.running) {
				return;
			}
			this.running = false;
			stopping = this.executor;
			this.executor = null;
		}
		KafkaConsumer<String, byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
		synchronized (this.pause) {
			this.pause.notifyAll();
		}
		Duration grace;
		if (this.publishing) {
			// a page whose events are being published may finish, so that its cursor is written
			stopping.shutdown();
			grace = STOP_GRACE;
		}
		else {
			// an Okta call (or a wait for its rate limit) is cut short: nothing was published yet
			stopping.shutdownNow();
			grace = STOP_WAKEUP;
		}
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
		// closes the cursor producer; a new one is made if the poller starts again
		this.cursorWriter.getProducerFactory().reset();
		log.info("System Log poller stopped");
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isAutoStartup() {
		// started once the application is ready, never during start-up
		return false;
	}

	/** Whether this replica holds the lease and polls. */
	boolean isLeading() {
		return this.lease == Lease.LEADING;
	}

	/** The poll position, {@code null} before the lease was first gained. */
	SystemLogCursor cursor() {
		return this.cursor;
	}

	/** Now minus the position while this replica polls, NaN otherwise. */
	double lagSeconds() {
		SystemLogCursor current = this.cursor;
		if (this.lease != Lease.LEADING || current == null) {
			return Double.NaN;
		}
		return Math.max(0, Duration.between(current.position(), this.clock.instant()).toMillis() / 1000.0);
	}

	private void run() {
		try {
			while (this.running) {
				try {
					step();
				}
				catch (WakeupException | InterruptException ex) {
					if (this.running) {
						log.warn("System Log poller interrupted unexpectedly; carrying on");
					}
				}
				catch (Exception ex) {
					if (!this.running) {
						break;
					}
					log.warn("System Log poller: {}; trying again in {}", describe(ex), this.settings.interval());
					closeConsumer();
					pause(this.settings.interval());
				}
			}
		}
		finally {
			closeConsumer();
		}
	}

	private void step() {
		KafkaConsumer<String, byte[]> current = this.consumer;
		if (current == null) {
			this.admin.createOrModifyTopics(this.cursorTopic);
			current = new KafkaConsumer<>(this.leaseConsumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
			this.consumer = current;
			current.subscribe(List.of(this.partition.topic()), new LeaseListener(current));
		}
		Duration wait = (this.lease == Lease.RESTORING) ? RESTORE_WAIT : IDLE_WAIT;
		if (this.lease == Lease.LEADING) {
			Duration untilPoll = Duration.between(this.clock.instant(), this.nextPollAt);
			wait = untilPoll.isNegative() ? Duration.ZERO : (untilPoll.compareTo(IDLE_WAIT) < 0 ? untilPoll : IDLE_WAIT);
		}
		ConsumerRecords<String, byte[]> records = current.poll(wait);
		if (this.lease == Lease.RESTORING) {
			for (ConsumerRecord<String, byte[]> record : records) {
				if (record.partition() == CURSOR_PARTITION && this.cursorKey.equals(record.key())) {
					this.restored = record.value();
				}
			}
			if (current.position(this.partition) >= this.restoreEnd) {
				restoreCursor();
			}
		}
		if (this.lease == Lease.LEADING && this.running && !this.clock.instant().isBefore(this.nextPollAt)) {
			pollPage();
		}
	}

	private void restoreCursor() {
		Instant now = this.clock.instant();
		SystemLogCursor found = null;
		if (this.restored != null) {
			try {
				found = SystemLogCursor.fromJson(this.mapper, this.restored);
			}
			catch (IllegalArgumentException ex) {
				log.warn("System Log cursor of {} on {} is unreadable ({}): starting afresh", this.cursorKey,
						this.partition, ex.getMessage());
			}
		}
		String filter = this.settings.filter();
		int limit = this.settings.limit();
		if (found == null) {
			this.cursor = SystemLogCursor.startingAt(now.minus(this.settings.lookBack()), filter, limit);
			this.written = null;
			log.info("System Log cursor initialised: none for {} on {}; the first poll starts at {} (look-back {})",
					this.cursorKey, this.partition, this.cursor.since(), this.settings.lookBack());
		}
		else if (!found.isFor(filter, limit)) {
			this.cursor = found.restarted(filter, limit);
			this.written = found;
			log.info("System Log cursor restored at position {}, but the filter or limit changed: a new query from {}",
					found.position(), this.cursor.since());
		}
		else {
			this.cursor = found;
			this.written = found;
			log.info("System Log cursor restored: position {}, {}", found.position(),
					(found.next() != null) ? "following its next link" : "a new query from " + found.since());
		}
		this.restored = null;
		this.nextPollAt = now;
		this.lease = Lease.LEADING;
	}

	private void pollPage() {
		SystemLogCursor from = this.cursor;
		Instant started = this.clock.instant();
		try {
			OktaAnswer<LogPage> answer = this.okta.fetch(from.next(), from.since(), from.filter(), from.limit(),
					started.plus(this.settings.pageTimeout()));
			LogPage page = answer.value();
			String deliveryId = deliveryId(page);
			List<OktaEvent> events = events(page, deliveryId);
			this.publishing = true;
			int durable = events.isEmpty() ? 0 : publish(deliveryId, events);
			this.metrics.durable(durable);
			SystemLogCursor advanced = from.after(page, started);
			this.cursor = advanced;
			if (page.next() == null) {
				log.warn("System Log page {} came without a next link: the next poll starts a new query from {}",
						deliveryId, advanced.since());
			}
			if (!events.isEmpty() || !advanced.sameQuery(this.written)) {
				writeCursor(advanced);
			}
			this.metrics.poll(OK);
			boolean full = page.events().size() >= from.limit();
			this.nextPollAt = full ? this.clock.instant() : this.clock.instant().plus(this.settings.interval());
			log.debug("System Log page {}: {} events durable ({} attempts), position {}{}", deliveryId, durable,
					answer.attempts(), advanced.position(), full ? "; full, the next page follows" : "");
		}
		catch (OktaException ex) {
			boolean refusedLink = ex instanceof OktaException.Rejected && from.next() != null
					&& (ex.status() == 400 || ex.status() == 404);
			failed(from, (ex.status() == 0) ? SystemLogMetrics.ERROR : Integer.toString(ex.status()),
					refusedLink ? "Okta refused the next link (" + ex.getMessage() + ")" : ex.getMessage(), refusedLink);
		}
		catch (EventsNotDurableException | CursorNotDurableException ex) {
			failed(from, SystemLogMetrics.ERROR, ex.getMessage(), false);
		}
		catch (IllegalArgumentException ex) {
			// e.g. a restored next link that is not on the org: the token never follows it
			failed(from, SystemLogMetrics.ERROR, ex.getMessage(), from.next() != null);
		}
		catch (RuntimeException ex) {
			failed(from, SystemLogMetrics.ERROR, describe(ex), false);
		}
		finally {
			this.publishing = false;
		}
	}

	/** Counts and logs a failed poll; tries again after {@code interval}, with a new query when the link is refused. */
	private void failed(SystemLogCursor from, String status, String why, boolean newQuery) {
		this.nextPollAt = this.clock.instant().plus(this.settings.interval());
		if (!this.running) {
			log.debug("System Log poll cut short by the stop: {}", why);
			return;
		}
		this.metrics.poll(status);
		if (newQuery) {
			this.cursor = from.restarted(from.filter(), from.limit());
			log.warn("System Log poll failed: {}; a new query from {} follows in {}", why, this.cursor.since(),
					this.settings.interval());
		}
		else {
			log.warn("System Log poll failed: {}; next try in {}", why, this.settings.interval());
		}
	}

	/** Every event of the page in one batch; one by one, skipping any Kafka refuses as too large. */
	private int publish(String deliveryId, List<OktaEvent> events) throws EventsNotDurableException {
		try {
			this.publisher.publish(deliveryId, EventSource.SYSTEMLOG, events, this.settings.publishTimeout());
			return events.size();
		}
		catch (EventsNotDurableException ex) {
			if (!tooLarge(ex)) {
				throw ex;
			}
		}
		int durable = 0;
		for (OktaEvent event : events) {
			try {
				this.publisher.publish(deliveryId, EventSource.SYSTEMLOG, List.of(event), this.settings.publishTimeout());
				durable++;
			}
			catch (EventsNotDurableException ex) {
				if (!tooLarge(ex)) {
					throw ex;
				}
				log.error("System Log event {} of user {} ({} bytes) is larger than okta.events accepts: skipped",
						event.uuid(), event.key(), event.json().length);
			}
		}
		return durable;
	}

	private void writeCursor(SystemLogCursor next) throws CursorNotDurableException {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.partition.topic(), CURSOR_PARTITION,
				this.cursorKey, next.toJson(this.mapper, this.clock.instant()));
		Duration timeout = this.settings.publishTimeout();
		try {
			this.cursorWriter.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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

	private static List<OktaEvent> events(LogPage page, String deliveryId) {
		List<OktaEvent> events = new ArrayList<>(page.events().size());
		for (LogPage.Event event : page.events()) {
			String uuid = event.uuid();
			if (uuid == null || uuid.isBlank()) {
				log.warn("System Log page {} holds an event without a uuid: published as received, detection sets it aside",
						deliveryId);
				uuid = "";
			}
			String eventType = (event.eventType() != null) ? event.eventType() : "";
			events.add(new OktaEvent(uuid, eventType, EventKeys.keyOf(event.fields(), uuid.isEmpty() ? deliveryId : uuid),
					event.json()));
		}
		return events;
	}

	/** The same link gives the same page, and the same delivery id. */
	static String deliveryId(LogPage page) {
		return EventSource.SYSTEMLOG.header() + ":"
				+ UUID.nameUUIDFromBytes(page.request().toString().getBytes(StandardCharsets.UTF_8));
	}

	private static boolean tooLarge(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RecordTooLargeException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private void pause(Duration duration) {
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

	private void closeConsumer() {
		KafkaConsumer<String, byte[]> current = this.consumer;
		this.consumer = null;
		if (current != null) {
			// a stop may have interrupted the thread: leave the group cleanly all the same
			boolean interrupted = Thread.interrupted();
			try {
				current.close(CloseOptions.timeout(Duration.ofSeconds(5)));
			}
			catch (RuntimeException ex) {
				log.debug("System Log lease consumer did not close cleanly: {}", describe(ex));
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}
		lost("released");
	}

	private void lost(String how) {
		if (this.lease != Lease.FOLLOWING) {
			this.lease = Lease.FOLLOWING;
			log.info("System Log lease {} ({}): this replica stops polling", how, this.partition);
		}
	}

	private static String describe(Throwable ex) {
		return ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
	}

	/** The lease: holding partition 0 of the cursor topic in the lease group. */
	private final class LeaseListener implements ConsumerRebalanceListener {

		private final KafkaConsumer<String, byte[]> leaseConsumer;

		LeaseListener(KafkaConsumer<String, byte[]> leaseConsumer) {
			this.leaseConsumer = leaseConsumer;
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			if (!partitions.contains(SystemLogPoller.this.partition)) {
				return;
			}
			TopicPartition cursorPartition = SystemLogPoller.this.partition;
			this.leaseConsumer.seekToBeginning(List.of(cursorPartition));
			long begin = this.leaseConsumer.beginningOffsets(List.of(cursorPartition)).get(cursorPartition);
			SystemLogPoller.this.restoreEnd = this.leaseConsumer.endOffsets(List.of(cursorPartition)).get(cursorPartition);
			SystemLogPoller.this.restored = null;
			SystemLogPoller.this.lease = Lease.RESTORING;
			log.info("System Log lease gained ({}, group {}): reading the cursor back", cursorPartition,
					SystemLogPoller.this.settings.leaseGroup());
			if (SystemLogPoller.this.restoreEnd <= begin) {
				// nothing to read back
				restoreCursor();
			}
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			if (partitions.contains(SystemLogPoller.this.partition)) {
				lost("revoked");
			}
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			if (partitions.contains(SystemLogPoller.this.partition)) {
				lost("lost");
			}
		}

	}

	/** The page's events are durable but the cursor is not: the page will be read again (harmless). */
	static final class CursorNotDurableException extends Exception {

		CursorNotDurableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
