package dev.factorhealer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Heals Okta users whose SMS factor is stuck in {@code PENDING_ACTIVATION}: System Log events
 * come in through the event hook, are made durable in Kafka, the stuck-factor pattern is detected
 * and the pending factor is unenrolled within the org's rate limits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FactorHealerApplication {

	public static void main(String[] args) {
		SpringApplication.run(FactorHealerApplication.class, args);
	}

}
