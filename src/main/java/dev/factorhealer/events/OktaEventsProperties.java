package dev.factorhealer.events;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code okta.events} topic and how long a hook delivery waits for it. The keys keep their
 * {@code healer.hook.*} names (deployments set them; the hook owned the topic first); the hook's
 * own settings (secrets, header, size) stay in the hook's record.
 *
 * @param topic where events are published
 * @param partitions partitions of the topic when the service creates it
 * @param publishTimeout how long a hook delivery waits for Kafka's acknowledgements before it is
 * answered 503; must stay below Okta's 3 s hook timeout. Half of it bounds how long a send may
 * block for metadata when the broker is gone.
 */
@Validated
@ConfigurationProperties("healer.hook")
public record OktaEventsProperties(@DefaultValue("okta.events") @NotBlank String topic,
		@DefaultValue("6") @Min(1) int partitions, @DefaultValue("2s") @NotNull Duration publishTimeout) {

	@AssertTrue(message = "healer.hook.publish-timeout must be between 100ms and 2900ms: Okta gives up on a hook after 3s")
	boolean isPublishTimeoutBelowOktaTimeout() {
		return this.publishTimeout == null || (this.publishTimeout.compareTo(Duration.ofMillis(100)) >= 0
				&& this.publishTimeout.compareTo(Duration.ofMillis(2900)) <= 0);
	}

}
