package dev.factorhealer.system;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Where the {@code /admin/*} controllers live: beside actuator, on the management port
 * ({@code management.server.port}), never on the port Okta posts to, so a load balancer
 * can expose the hook alone. With a management port of its own, Spring Boot runs actuator
 * in a child context that is not component-scanned; each module imports its admin
 * controllers there through a {@code @ManagementContextConfiguration} listed in
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports}.
 * Only when the management port is the server port do the controllers join the main
 * context.
 */
public final class AdminEndpoints {

	private AdminEndpoints() {
	}

	/**
	 * On an admin controller: registered only in the context that serves the management
	 * port (the management child context, or the main context when both ports are the
	 * same).
	 */
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@Conditional(OnManagementServer.class)
	public @interface ConditionalOnManagementServer {

	}

	/**
	 * On a {@code @ManagementContextConfiguration}: applies only in the management child
	 * context, not when the main context's component scan finds it.
	 */
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@Conditional(InManagementChildContext.class)
	public @interface ConditionalOnManagementChildContext {

	}

	static boolean isChild(ConditionContext context) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		return beanFactory != null && beanFactory.getParentBeanFactory() != null;
	}

	static final class OnManagementServer implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return switch (ManagementPortType.get(context.getEnvironment())) {
				case DIFFERENT -> isChild(context);
				case SAME -> !isChild(context);
				case DISABLED -> false;
			};
		}

	}

	static final class InManagementChildContext implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return ManagementPortType.get(context.getEnvironment()) == ManagementPortType.DIFFERENT && isChild(context);
		}

	}

}
