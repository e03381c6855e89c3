package dev.factorhealer.systemlog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

import dev.factorhealer.events.EventSource;
import dev.factorhealer.events.OktaEventPublisher.EventsNotDurableException;
import dev.factorhealer.okta.LogPage;
import dev.factorhealer.okta.OktaAnswer;
import dev.factorhealer.okta.OktaException;
import dev.factorhealer.okta.OktaSystemLog;
import dev.factorhealer.systemlog.SystemLogCursorStore.CursorNotDurableException;

/**
 * The polling loop: one thread of its own that, on the replica holding the
 * {@link SystemLogLease}, fetches a page, has the {@link SystemLogPagePublisher} make its
 * events durable on {@code okta.events} ({@link EventSource#SYSTEMLOG}), and only then
 * has the {@link SystemLogCursorStore} write the new position. Everything runs on that
 * one thread, so no page is in flight while the lease changes hands. It owns the schedule
 * (a full page is followed at once, a short one after {@code interval}), the back-off (a
 * failure is logged and tried again after {@code interval}), the meters and the
 * lifecycle: nothing ends the loop but {@link #stop()}.
 */
final class SystemLogPoller implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {

	private static final Logger log = LoggerFactory.getLogger(SystemLogPoller.class);

	static final String OK = "200";

	private final SystemLogProperties settings;

	private final OktaSystemLog okta;

	private final SystemLogLease lease;

	private final SystemLogCursorStore store;

	private final SystemLogPagePublisher pages;

	private final SystemLogMetrics metrics;

	private final Clock clock;

	private final SystemLogThread thread;

	private volatile boolean publishing;

	private volatile SystemLogCursor cursor;

	/** When the next page is due; the poll thread's own. */
	private Instant nextPollAt = Instant.MIN;

	/**
	 * @param name names the thread ({@code healer-<name>})
	 * @param lease makes this poller its {@link SystemLogLease.Holder}
	 */
	SystemLogPoller(String name, SystemLogProperties settings, OktaSystemLog okta, LeaseFactory lease,
			SystemLogCursorStore store, SystemLogPagePublisher pages, MeterRegistry registry, Clock clock) {
		this.thread = new SystemLogThread("healer-" + name);
		this.settings = settings;
		this.okta = okta;
		this.lease = lease.create(this::leaseGained);
		this.store = store;
		this.pages = pages;
		this.clock = clock;
		this.metrics = new SystemLogMetrics(registry, this::lagSeconds);
	}

	/** Makes the lease, telling this poller when it is gained. */
	@FunctionalInterface
	interface LeaseFactory {

		SystemLogLease create(SystemLogLease.Holder holder);

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
		if (!this.thread.start(this::run)) {
			return;
		}
		log.info(
				"System Log poller started: filter '{}', up to {} events a page, every {} once caught up; "
						+ "the replica of group {} holding {} polls",
				this.settings.filter(), this.settings.limit(), this.settings.interval(), this.settings.leaseGroup(),
				this.lease.partition());
	}

	@Override
	public void stop() {
		// a page whose events are being published may finish, so that its cursor is
		// written
		if (this.thread.stop(this.lease::wakeup, () -> this.publishing)) {
			this.store.close();
			log.info("System Log poller stopped");
		}
	}

	@Override
	public boolean isRunning() {
		return this.thread.isRunning();
	}

	@Override
	public boolean isAutoStartup() {
		// started once the application is ready, never during start-up
		return false;
	}

	/** Whether this replica holds the lease and polls. */
	boolean isLeading() {
		return this.lease.isLeading();
	}

	/** The poll position, {@code null} before the lease was first gained. */
	SystemLogCursor cursor() {
		return this.cursor;
	}

	/** Now minus the position while this replica polls, NaN otherwise. */
	double lagSeconds() {
		SystemLogCursor current = this.cursor;
		if (!this.lease.isLeading() || current == null) {
			return Double.NaN;
		}
		return Math.max(0, Duration.between(current.position(), this.clock.instant()).toMillis() / 1000.0);
	}

	private void run() {
		try {
			while (this.thread.isRunning()) {
				try {
					step();
				}
				catch (WakeupException | InterruptException ex) {
					if (this.thread.isRunning()) {
						log.warn("System Log poller interrupted unexpectedly; carrying on");
					}
				}
				catch (Exception ex) {
					if (!this.thread.isRunning()) {
						break;
					}
					log.warn("System Log poller: {}; trying again in {}", describe(ex), this.settings.interval());
					this.lease.release();
					this.thread.pause(this.settings.interval());
				}
			}
		}
		finally {
			this.lease.release();
		}
	}

	private void step() {
		this.lease.poll(Duration.between(this.clock.instant(), this.nextPollAt));
		if (this.lease.isLeading() && this.thread.isRunning() && !this.clock.instant().isBefore(this.nextPollAt)) {
			pollPage();
		}
	}

	/** The lease is gained: poll at once from the cursor read back. */
	private void leaseGained(byte[] lastCursor) {
		Instant now = this.clock.instant();
		this.cursor = this.store.restore(lastCursor, now);
		this.nextPollAt = now;
	}

	private void pollPage() {
		SystemLogCursor from = this.cursor;
		Instant started = this.clock.instant();
		try {
			OktaAnswer<LogPage> answer = this.okta.fetch(from.next(), from.since(), from.filter(), from.limit(),
					started.plus(this.settings.pageTimeout()));
			LogPage page = answer.value();
			String deliveryId = SystemLogPagePublisher.deliveryId(page);
			this.publishing = true;
			int durable = this.pages.publish(page, deliveryId);
			this.metrics.durable(durable);
			SystemLogCursor advanced = from.after(page, started);
			this.cursor = advanced;
			if (page.next() == null) {
				log.warn("System Log page {} came without a next link: the next poll starts a new query from {}",
						deliveryId, advanced.since());
			}
			if (this.store.needsWrite(advanced, !page.events().isEmpty())) {
				this.store.write(advanced);
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
					refusedLink ? "Okta refused the next link (" + ex.getMessage() + ")" : ex.getMessage(),
					refusedLink);
		}
		catch (EventsNotDurableException | CursorNotDurableException ex) {
			failed(from, SystemLogMetrics.ERROR, ex.getMessage(), false);
		}
		catch (IllegalArgumentException ex) {
			// e.g. a restored next link that is not on the org: the token never follows
			// it
			failed(from, SystemLogMetrics.ERROR, ex.getMessage(), from.next() != null);
		}
		catch (RuntimeException ex) {
			failed(from, SystemLogMetrics.ERROR, describe(ex), false);
		}
		finally {
			this.publishing = false;
		}
	}

	/**
	 * Counts and logs a failed poll; tries again after {@code interval}, with a new query
	 * when the link is refused.
	 */
	private void failed(SystemLogCursor from, String status, String why, boolean newQuery) {
		this.nextPollAt = this.clock.instant().plus(this.settings.interval());
		if (!this.thread.isRunning()) {
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

	static String describe(Throwable ex) {
		return ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
	}

}
