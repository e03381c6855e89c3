package dev.factorhealer.replay;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import dev.factorhealer.system.BuildVersion;
import dev.factorhealer.system.SystemConfiguration;

/**
 * {@code java -jar okta-factor-healer.jar replay --topic okta.remediation.requests.dlq [--since
 * ISO] [--until ISO] [--user-id ID] [--exception TEXT] [--max N] [--reset ISO] [--dry-run] [--confirm]}
 * (also {@code --topic okta.remediation.parked --confirm}: release parked records after
 * review): runs one replay with only Kafka and the replay module started, prints the
 * report as JSON and exits 0, or prints the reason and exits 1 (2 for bad arguments).
 */
public final class ReplayCommand {

	private static final Set<String> FLAGS = Set.of("dry-run", "confirm");

	static final String USAGE = """
			usage: java -jar okta-factor-healer.jar replay --topic TOPIC [options]
			  Re-publishes stuck records to their original topic (once: a ledger remembers what was sent).
			  --topic TOPIC       okta.remediation.requests.dlq, okta.events.dlq, or okta.remediation.parked
			                      (parked records go back only with --confirm, after review with 'stuck list')
			  --since ISO-8601    only records stuck at or after this instant
			  --until ISO-8601    only records stuck before this instant
			  --user-id ID        only records of this Okta user
			  --exception TEXT    only records whose exception or reason contains TEXT (any case)
			  --max N             at most N records (default 1000)
			  --reset ISO-8601    replay again what got stuck since then, even if replayed before
			  --dry-run           list what would move, send nothing
			  --confirm           release parked records (okta.remediation.parked) to their original topic
			  --help, --version
			  Settings (Kafka, ...) as for the service: environment variables or ./config/application.yml.
			  Prints the report as JSON; exit 0, 1 when the replay failed, 2 for bad arguments.""";

	private static final Set<String> OPTIONS = Set.of("topic", "since", "until", "user-id", "exception", "max",
			"reset");

	private ReplayCommand() {
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		if (BuildVersion.wantsHelp(args)) {
			out.println(USAGE);
			return 0;
		}
		if (BuildVersion.wantsVersion(args)) {
			out.println(BuildVersion.describe());
			return 0;
		}
		ReplayRequest parsed;
		try {
			parsed = parse(args);
		}
		catch (IllegalArgumentException ex) {
			return usage(ex, err);
		}
		try (ConfigurableApplicationContext context = replayOnly()) {
			ReplayService service = context.getBean(ReplayService.class);
			ReplayRequest request;
			try {
				request = service.validated(parsed);
			}
			catch (IllegalArgumentException ex) {
				return usage(ex, err);
			}
			ReplayReport report = service.replay(request);
			out.println(
					JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(report));
			return 0;
		}
		catch (RuntimeException ex) {
			err.println("replay failed: " + ex.getMessage());
			return 1;
		}
	}

	private static int usage(IllegalArgumentException ex, PrintStream err) {
		err.println("replay: " + ex.getMessage());
		err.println(USAGE);
		return 2;
	}

	/**
	 * Starts what a replay needs and nothing more (see {@link ReplayOnly}); its
	 * {@link ReplayService} runs replays. The replay benchmark times a replay on it apart
	 * from the start.
	 */
	public static ConfigurableApplicationContext replayOnly() {
		return new SpringApplicationBuilder(ReplayOnly.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.cloud.function.definition=",
					"spring.cloud.stream.function.autodetect=false",
					// stdout carries the JSON report: only warnings and errors are logged
					"logging.level.root=WARN")
			.run();
	}

	static ReplayRequest parse(String[] args) {
		Map<String, String> values = new HashMap<>();
		boolean dryRun = false;
		boolean confirm = false;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("unexpected argument '" + arg + "'");
			}
			String name = arg.substring(2);
			String value = null;
			int eq = name.indexOf('=');
			if (eq >= 0) {
				value = name.substring(eq + 1);
				name = name.substring(0, eq);
			}
			if (FLAGS.contains(name)) {
				boolean on = value == null || Boolean.parseBoolean(value);
				if (name.equals("confirm")) {
					confirm = on;
				}
				else {
					dryRun = on;
				}
				continue;
			}
			if (!OPTIONS.contains(name)) {
				throw new IllegalArgumentException("unknown option --" + name);
			}
			if (value == null) {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException("--" + name + " needs a value");
				}
				value = args[++i];
			}
			values.put(name, value);
		}
		return new ReplayRequest(values.get("topic"), instant(values, "since"), instant(values, "until"),
				values.get("user-id"), values.get("exception"), integer(values, "max"), dryRun,
				instant(values, "reset"), confirm);
	}

	private static Instant instant(Map<String, String> values, String name) {
		String value = values.get(name);
		try {
			return value == null ? null : Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("--" + name + " must be an ISO-8601 instant like 2026-11-28T09:00:00Z");
		}
	}

	private static Integer integer(Map<String, String> values, String name) {
		String value = values.get(name);
		try {
			return value == null ? null : Integer.valueOf(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + name + " must be a number");
		}
	}

	/**
	 * Kafka and the replay module, nothing else (no web server, no bindings, no Okta).
	 * Not a {@code @SpringBootConfiguration} nor a {@code @Configuration}, so neither the
	 * application's component scan nor a test's search for the boot configuration picks
	 * it up.
	 */
	@EnableAutoConfiguration
	@Import({ SystemConfiguration.class, ReplayConfiguration.class })
	static class ReplayOnly {

	}

}
