package dev.factorhealer.okta;

/**
 * A successful answer and the number of HTTP calls it took (1 unless retried).
 */
public record OktaAnswer<T>(T value, int attempts) {
}
