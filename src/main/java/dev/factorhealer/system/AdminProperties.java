package dev.factorhealer.system;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code healer.admin.token}: the bearer token of the admin endpoints. Unset, they are
 * off. Its strength is checked in code ({@link SecretStrength}), not by bean validation:
 * Spring Boot's binding-failure report would print the rejected value.
 */
@ConfigurationProperties("healer.admin")
public record AdminProperties(String token) {

	@Override
	public String toString() {
		return "AdminProperties[token=" + (this.token == null ? "unset" : "set") + "]";
	}

}
