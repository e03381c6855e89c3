package dev.factorhealer.system;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Shared beans: topic settings, the admin token check, the refusal log. Public so that
 * the jar's commands, which start only the parts they need, can import it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ AdminProperties.class, TopicProperties.class })
public class SystemConfiguration {

	/** One summary line per minute at most for each kind of refused request. */
	static final Duration REFUSAL_SUMMARY_INTERVAL = Duration.ofMinutes(1);

	@Bean(destroyMethod = "close")
	RefusalLogFlusher refusalLogFlusher(RefusalLog refusals) {
		return new RefusalLogFlusher(refusals);
	}

	@Bean
	TopicNames topicNames(TopicProperties properties) {
		return properties.names();
	}

	@Bean
	TopicFactory topicFactory(TopicProperties properties) {
		return new TopicFactory(properties);
	}

	@Bean
	RefusalLog refusalLog() {
		return new RefusalLog(REFUSAL_SUMMARY_INTERVAL, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnProperty("healer.admin.token")
	AdminAuthentication adminAuthentication(AdminProperties properties, RefusalLog refusals) {
		SecretStrength.check("healer.admin.token [HEALER_ADMIN_TOKEN]", properties.token());
		return new AdminAuthentication(properties.token(), refusals);
	}

	/** Writes the counted refusals that no later request logged. */
	static final class RefusalLogFlusher implements AutoCloseable {

		private final RefusalLog refusals;

		private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "healer-refusal-log");
			thread.setDaemon(true);
			return thread;
		});

		RefusalLogFlusher(RefusalLog refusals) {
			this.refusals = refusals;
			long seconds = REFUSAL_SUMMARY_INTERVAL.toSeconds();
			this.timer.scheduleAtFixedRate(() -> refusals.flush(false), seconds, seconds, TimeUnit.SECONDS);
		}

		@Override
		public void close() {
			this.timer.shutdownNow();
			this.refusals.flush(true);
		}

	}

}
