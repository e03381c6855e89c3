package dev.factorhealer.replay;

import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code healer.admin.token}: the bearer token of the admin endpoints. Unset, they are off.
 */
@Validated
@ConfigurationProperties("healer.admin")
record AdminProperties(@Size(min = 16, message = "healer.admin.token must be at least 16 characters") String token) {

	@Override
	public String toString() {
		return "AdminProperties[token=" + (this.token == null ? "unset" : "set") + "]";
	}

}
