package dev.factorhealer;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.factorhealer.followup.ReportCommand;
import dev.factorhealer.replay.ReplayCommand;
import dev.factorhealer.replay.StuckCommand;
import dev.factorhealer.setup.SetupCommand;
import dev.factorhealer.system.BuildVersion;

/**
 * Heals Okta users whose SMS factor is stuck in {@code PENDING_ACTIVATION}: System Log
 * events come in through the event hook, are made durable in Kafka, the stuck-factor
 * pattern is detected and the pending factor is unenrolled within the org's rate limits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FactorHealerApplication {

	static final String USAGE = """
			usage: java -jar okta-factor-healer.jar [COMMAND] [--setting=value ...]
			  (no command)   run the service: hook on server.port (8080), actuator and /admin/* on
			                 management.server.port (8081)
			  replay         re-publish stuck records to their original topic (replay --help)
			  stuck list     list stuck records with why, when and where from (stuck --help)
			  report         follow-ups of healed users: re-enrolled, failed again, no activity (report --help)
			  hook create    create or update and verify the Okta event hook (hook --help)
			  hook show      show the event hook's status and event types
			  doctor         check credentials, scopes, rate-limit headroom, the hook and Kafka
			  --help, --version
			  Settings: environment variables (OKTA_CLIENT_ORGURL, OKTA_CLIENT_TOKEN, HEALER_HOOK_SECRETS,
			  SPRING_KAFKA_BOOTSTRAP_SERVERS, HEALER_REMEDIATION_MODE, HEALER_ADMIN_TOKEN, ...) or
			  ./config/application.yml, which documents every one.""";

	public static void main(String[] args) {
		String command = args.length > 0 ? args[0] : "";
		String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
		if (SetupCommand.handles(args)) {
			System.exit(SetupCommand.run(args, System.out, System.err));
		}
		switch (command) {
			case "replay" -> System.exit(ReplayCommand.run(rest, System.out, System.err));
			case "stuck" -> System.exit(StuckCommand.run(rest, System.out, System.err));
			case "report" -> System.exit(ReportCommand.run(rest, System.out, System.err));
			case "--help", "-h" -> System.out.println(USAGE);
			case "--version" -> System.out.println(BuildVersion.describe());
			default -> SpringApplication.run(FactorHealerApplication.class, args);
		}
	}

}
