package dev.factorhealer.hook;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.AssertTrue;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the event hook receiver ({@code healer.hook.*}). The topic's partitions,
 * the publish timeout and the producer ({@code partitions}, {@code publish-timeout},
 * {@code producer.*}) belong to the events contract:
 * {@link dev.factorhealer.events.OktaEventsProperties}.
 *
 * @param secrets the values accepted in the auth header; two during a rotation. Required.
 * @param authHeader the header Okta sends the secret in ({@code authScheme.key} of the
 * hook)
 * @param maxBodySize the largest delivery accepted; larger ones get 413
 */
@Validated
@ConfigurationProperties("healer.hook")
record HookProperties(@NotEmpty(
		message = "set at least one hook secret (HEALER_HOOK_SECRETS): the value Okta sends in the auth header") List<@NotBlank(
				message = "a hook secret must not be blank") String> secrets,
		@DefaultValue("Authorization") @NotBlank String authHeader,
		@DefaultValue("2MB") @NotNull DataSize maxBodySize) {

	@AssertTrue(
			message = "healer.hook.max-body-size must be between 1KB and 8MB (the largest record the service's topics accept)")
	boolean isMaxBodySizeSane() {
		return this.maxBodySize == null || (this.maxBodySize.toBytes() >= 1024
				&& this.maxBodySize.toBytes() <= dev.factorhealer.system.KafkaTopics.MAX_RECORD_BYTES);
	}

	@Override
	public String toString() {
		// never print the secrets themselves
		return "HookProperties[secrets=" + (this.secrets == null ? 0 : this.secrets.size()) + " configured, authHeader="
				+ this.authHeader + ", maxBodySize=" + this.maxBodySize + "]";
	}

}
