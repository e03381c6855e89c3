/**
 * Stuck-event topics. Both consumer bindings ({@code detect}, {@code remediate}) hand a
 * record they cannot process to the same error handler: non-retryable errors go to the
 * binding's dead-letter topic at once, retryable ones after the binding's retries are
 * spent. Every dead-lettered record keeps its key and value and carries the original
 * topic, partition, offset and timestamp, the exception class and message, the attempt
 * count and the time, so that an operator can decide and the {@code replay} module can
 * re-drive it.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Stuck-event topics", allowedDependencies = { "system" })
package dev.factorhealer.deadletter;
