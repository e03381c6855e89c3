package dev.factorhealer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import dev.factorhealer.system.TopicNames;

/**
 * The topic names the service uses out of the box, read from its {@code application.yml}
 * (their one home), for tests that build a module's classes without a Spring context.
 */
public final class DefaultTopicNames {

	private static final TopicNames NAMES = of(environment(Map.of()));

	private DefaultTopicNames() {
	}

	public static TopicNames get() {
		return NAMES;
	}

	/** The service's {@code application.yml} with {@code overrides} in front of it. */
	public static StandardEnvironment environment(Map<String, Object> overrides) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("overrides", overrides));
		try {
			new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
				.forEach(environment.getPropertySources()::addLast);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return environment;
	}

	/** The names bound from {@code environment}. */
	public static TopicNames of(StandardEnvironment environment) {
		return Binder.get(environment).bind("healer.topics.names", TopicNames.class).get();
	}

}
