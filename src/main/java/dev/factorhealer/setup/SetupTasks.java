package dev.factorhealer.setup;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.Environment;

import dev.factorhealer.okta.DoctorCheck;
import dev.factorhealer.okta.EventHook;
import dev.factorhealer.okta.OktaException;
import dev.factorhealer.okta.OktaSetup;

/**
 * What {@code hook create}, {@code hook show} and {@code doctor} do, on the commands'
 * small context. Hook secrets and header are the hook module's settings, read by name.
 */
class SetupTasks {

	static final String SECRETS = "healer.hook.secrets";

	static final String AUTH_HEADER = "healer.hook.auth-header";

	private static final Duration CALL_TIME = Duration.ofSeconds(30);

	private static final Duration KAFKA_TIME = Duration.ofSeconds(10);

	private final OktaSetup okta;

	private final SetupProperties settings;

	private final Environment environment;

	private final KafkaProperties kafka;

	SetupTasks(OktaSetup okta, SetupProperties settings, Environment environment, KafkaProperties kafka) {
		this.okta = okta;
		this.settings = settings;
		this.environment = environment;
		this.kafka = kafka;
	}

	/**
	 * Creates or updates the hook by name, activates it when inactive, verifies it,
	 * prints it.
	 */
	int createHook(URI url, String name, PrintStream out, PrintStream err) {
		String hookName = (name != null) ? name : this.settings.hookName();
		List<String> secrets = Binder.get(this.environment)
			.bind(SECRETS, Bindable.listOf(String.class))
			.orElse(List.of());
		if (secrets.isEmpty() || secrets.get(0).isBlank()) {
			err.println(
					"hook create: set healer.hook.secrets (HEALER_HOOK_SECRETS): Okta sends its first value in the auth header");
			return 2;
		}
		boolean plainHttpAllowed = this.environment.getProperty("okta.testing.disable-https-check", Boolean.class,
				false);
		if (!"https".equalsIgnoreCase(url.getScheme()) && !plainHttpAllowed) {
			err.println("hook create: --url must be https: Okta delivers to https URIs only");
			return 2;
		}
		String header = this.environment.getProperty(AUTH_HEADER, "Authorization");
		EventHook.Spec spec = new EventHook.Spec(hookName, url, this.settings.hookEventTypes(), header, secrets.get(0));
		out.println("Okta org " + this.okta.describe());
		List<EventHook> existing = this.okta.findHooks(hookName);
		if (existing.size() > 1) {
			err.println("hook create: Okta has " + existing.size() + " event hooks named '" + hookName + "'; updating "
					+ existing.get(0).id()
					+ ". Delete the others in the Admin Console: each would deliver every event again.");
		}
		EventHook hook;
		if (!existing.isEmpty()) {
			hook = this.okta.eventHooks().replace(existing.get(0).id(), spec, deadline());
			out.println("updated event hook '" + hookName + "' (" + hook.id() + ")");
		}
		else {
			hook = create(spec);
			out.println("created event hook '" + hookName + "' (" + hook.id() + ")");
		}
		if (!hook.isActive()) {
			hook = this.okta.eventHooks().activate(hook.id(), deadline());
		}
		try {
			hook = this.okta.eventHooks().verify(hook.id(), deadline());
		}
		catch (OktaException.Rejected ex) {
			print(this.okta.findHook(hookName).orElse(hook), out);
			err.println("hook create: Okta could not verify the hook: " + ex.getMessage());
			err.println("The service must answer GET " + url + " with the verification challenge; is it running and "
					+ "reachable from Okta?");
			return 1;
		}
		print(hook, out);
		return (hook.isActive() && hook.isVerified()) ? 0 : 1;
	}

	/**
	 * Creates the hook. A create that failed after Okta may have taken it (a 5xx, a
	 * timeout) is looked up by name before giving up. (The Okta client retries a 5xx, so
	 * a create Okta took but answered 5xx can leave a second hook of the name: the next
	 * run warns about it.)
	 */
	private EventHook create(EventHook.Spec spec) {
		try {
			return this.okta.eventHooks().create(spec, deadline());
		}
		catch (OktaException.Unavailable ex) {
			return this.okta.findHook(spec.name()).orElseThrow(() -> ex);
		}
	}

	int showHook(String name, PrintStream out, PrintStream err) {
		String hookName = (name != null) ? name : this.settings.hookName();
		out.println("Okta org " + this.okta.describe());
		Optional<EventHook> hook = this.okta.findHook(hookName);
		if (hook.isEmpty()) {
			err.println("hook show: Okta has no event hook named '" + hookName + "'; create it with: hook create --url "
					+ "https://<host>/hooks/okta");
			return 1;
		}
		print(hook.get(), out);
		List<String> missing = new ArrayList<>(this.settings.hookEventTypes());
		missing.removeAll(hook.get().eventTypes());
		if (!missing.isEmpty()) {
			err.println("hook show: the hook lacks event types " + missing + "; run hook create again to update it");
			return 1;
		}
		return (hook.get().isActive() && hook.get().isVerified()) ? 0 : 1;
	}

	/** Every check, one line each with OK/FAIL and what to do; 0 only when all passed. */
	int doctor(String name, PrintStream out) {
		String hookName = (name != null) ? name : this.settings.hookName();
		out.println("Okta org " + this.okta.describe());
		List<DoctorCheck> checks = new ArrayList<>(this.okta.doctor(hookName, this.settings.hookEventTypes()));
		checks.add(kafka());
		for (DoctorCheck check : checks) {
			out.println((check.ok() ? "OK   " : "FAIL ") + check.name() + ": " + check.detail());
			if (!check.ok()) {
				out.println("     what to do: " + check.action());
			}
		}
		long failed = checks.stream().filter(check -> !check.ok()).count();
		out.println((failed == 0) ? "all " + checks.size() + " checks passed"
				: failed + " of " + checks.size() + " checks failed");
		return (failed == 0) ? 0 : 1;
	}

	private DoctorCheck kafka() {
		String name = "Kafka";
		Map<String, Object> config = this.kafka.buildAdminProperties();
		config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIME.toMillis());
		config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIME.toMillis());
		Object configured = config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
		String servers = (configured instanceof List<?> list)
				? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(configured);
		try (Admin admin = Admin.create(config)) {
			int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) KAFKA_TIME.toMillis()))
				.nodes()
				.get(KAFKA_TIME.toMillis(), TimeUnit.MILLISECONDS)
				.size();
			return DoctorCheck.ok(name, servers + " reachable, " + nodes + " broker(s)");
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return DoctorCheck.fail(name,
					servers + " not reachable within " + KAFKA_TIME.toSeconds() + " s (" + ex.getClass().getSimpleName()
							+ ")",
					"check spring.kafka.bootstrap-servers (SPRING_KAFKA_BOOTSTRAPSERVERS) "
							+ "and that the brokers are up");
		}
	}

	private static void print(EventHook hook, PrintStream out) {
		out.println("  id:            " + hook.id());
		out.println("  name:          " + hook.name());
		out.println("  status:        " + hook.status());
		out.println("  verification:  " + hook.verificationStatus());
		out.println("  uri:           " + hook.uri());
		out.println("  auth header:   " + hook.authHeader());
		out.println("  event types:   " + String.join(", ", hook.eventTypes()));
	}

	private static Instant deadline() {
		return Instant.now().plus(CALL_TIME);
	}

}
