package dev.factorhealer;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.factorhealer.followup.ReportCommand;
import dev.factorhealer.replay.ReplayCommand;

/**
 * Heals Okta users whose SMS factor is stuck in {@code PENDING_ACTIVATION}: System Log events
 * come in through the event hook, are made durable in Kafka, the stuck-factor pattern is detected
 * and the pending factor is unenrolled within the org's rate limits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FactorHealerApplication {

	public static void main(String[] args) {
		if (args.length > 0 && "replay".equals(args[0])) {
			System.exit(ReplayCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		if (args.length > 0 && "report".equals(args[0])) {
			System.exit(ReportCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		SpringApplication.run(FactorHealerApplication.class, args);
	}

}
