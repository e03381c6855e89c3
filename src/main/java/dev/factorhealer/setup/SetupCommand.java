package dev.factorhealer.setup;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;

import dev.factorhealer.okta.OktaSetupConfiguration;
import dev.factorhealer.system.Causes;

/**
 * {@code java -jar okta-factor-healer.jar hook create --url https://<host>/hooks/okta [--name N]},
 * {@code hook show [--name N]} and {@code doctor [--name N]}: start only the settings,
 * the Okta client and Kafka's client, do the one thing, print it, and exit 0 when all is
 * well, 1 when not, 2 for bad arguments (with the usage).
 */
public final class SetupCommand {

	static final String USAGE = """
			usage: hook create --url https://<host>/hooks/okta [--name NAME]
			           create or update (by name) the event hook, then verify it and print its status
			       hook show [--name NAME]
			           print the hook's status, verification and event types
			       doctor [--name NAME]
			           check credentials, scopes and admin rights, rate-limit headroom, the hook and Kafka
			NAME defaults to healer.setup.hook-name (okta-factor-healer). The settings are the service's own
			(OKTA_CLIENT_*, HEALER_HOOK_SECRETS, SPRING_KAFKA_BOOTSTRAPSERVERS, ...). Only these commands need
			the scope okta.eventHooks.manage.""";

	private static final Set<String> COMMANDS = Set.of("hook", "doctor");

	private SetupCommand() {
	}

	/** Whether the arguments name one of these commands. */
	public static boolean handles(String[] args) {
		return args.length > 0 && COMMANDS.contains(args[0]);
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		return run(args, out, err, Map.of());
	}

	/**
	 * @param overrides settings above every configured source (tests pass theirs here)
	 */
	static int run(String[] args, PrintStream out, PrintStream err, Map<String, Object> overrides) {
		Invocation invocation;
		try {
			invocation = parse(args);
		}
		catch (IllegalArgumentException ex) {
			err.println(ex.getMessage());
			err.println(USAGE);
			return 2;
		}
		if (invocation.help) {
			out.println(USAGE);
			return 0;
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SetupOnly.class)
			.web(WebApplicationType.NONE)
			.initializers(starting -> starting.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("setup-command-overrides", overrides)))
			.properties("spring.main.banner-mode=off", "spring.cloud.function.definition=",
					"spring.cloud.stream.function.autodetect=false", "logging.level.root=WARN")
			.run()) {
			SetupTasks tasks = context.getBean(SetupTasks.class);
			return switch (invocation.action) {
				case "hook create" -> tasks.createHook(invocation.url, invocation.name, out, err);
				case "hook show" -> tasks.showHook(invocation.name, out, err);
				default -> tasks.doctor(invocation.name, out);
			};
		}
		catch (RuntimeException ex) {
			err.println(invocation.action + " failed: " + rootMessage(ex));
			return 1;
		}
	}

	static Invocation parse(String[] args) {
		if (args.length == 0 || !COMMANDS.contains(args[0])) {
			throw new IllegalArgumentException(
					"unknown command " + (args.length == 0 ? "(none)" : "'" + args[0] + "'"));
		}
		String action = args[0];
		String[] options = Arrays.copyOfRange(args, 1, args.length);
		if ("hook".equals(action)) {
			if (options.length == 0 || options[0].startsWith("--")) {
				if (options.length > 0 && options[0].equals("--help")) {
					return new Invocation("hook", null, null, true);
				}
				throw new IllegalArgumentException("hook: say 'create' or 'show'");
			}
			if (!options[0].equals("create") && !options[0].equals("show")) {
				throw new IllegalArgumentException("hook: unknown action '" + options[0] + "' (create or show)");
			}
			action = "hook " + options[0];
			options = Arrays.copyOfRange(options, 1, options.length);
		}
		Map<String, String> values = options(action, options);
		if (values == null) {
			return new Invocation(action, null, null, true);
		}
		URI url = action.equals("hook create") ? url(values.get("url")) : null;
		String name = values.get("name");
		if (name != null && name.isBlank()) {
			throw new IllegalArgumentException(action + ": --name must not be blank");
		}
		return new Invocation(action, url, name, false);
	}

	/**
	 * The {@code --name value} and {@code --name=value} options; {@code null} when help
	 * is asked for.
	 */
	private static Map<String, String> options(String action, String[] options) {
		Map<String, String> values = new HashMap<>();
		for (int i = 0; i < options.length; i++) {
			String option = options[i];
			if (option.equals("--help") || option.equals("-h")) {
				return null;
			}
			if (!option.startsWith("--")) {
				throw new IllegalArgumentException(action + ": unexpected argument '" + option + "'");
			}
			String name = option.substring(2);
			String value = null;
			int eq = name.indexOf('=');
			if (eq >= 0) {
				value = name.substring(eq + 1);
				name = name.substring(0, eq);
			}
			boolean known = name.equals("name") || (name.equals("url") && action.equals("hook create"));
			if (!known) {
				throw new IllegalArgumentException(action + ": unknown option --" + name);
			}
			if (value == null) {
				if (i + 1 >= options.length) {
					throw new IllegalArgumentException(action + ": --" + name + " needs a value");
				}
				value = options[++i];
			}
			values.put(name, value);
		}
		return values;
	}

	private static URI url(String text) {
		if (text == null) {
			throw new IllegalArgumentException(
					"hook create: --url is required, e.g. --url https://healer.example.com/hooks/okta");
		}
		URI url;
		try {
			url = new URI(text);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("hook create: --url is not a URL: " + ex.getReason());
		}
		if (!url.isAbsolute() || url.getHost() == null) {
			throw new IllegalArgumentException(
					"hook create: --url must be an absolute URL such as https://healer.example.com/hooks/okta");
		}
		return url;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = Causes.root(ex);
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

	record Invocation(String action, URI url, String name, boolean help) {
	}

	/**
	 * The settings, the Okta client of the set-up and Kafka's client; nothing else (no
	 * web server, no bindings). Not a {@code @Configuration}, so no scan picks it up.
	 */
	@EnableAutoConfiguration
	@EnableConfigurationProperties(SetupProperties.class)
	@Import({ OktaSetupConfiguration.class, SetupTasks.class })
	static class SetupOnly {

	}

}
