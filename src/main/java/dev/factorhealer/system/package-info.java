/**
 * Shared technical set-up that every module uses the same way: Kafka producer factories
 * built from {@code spring.kafka.*} with explicit serializers and durable defaults.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Shared configuration", allowedDependencies = {})
package dev.factorhealer.system;
