package dev.factorhealer.fakeokta;

import java.time.Instant;
import java.util.Map;

/**
 * A user's factor as the fake org stores it. Rendered on the wire as an Okta UserFactor
 * ({@code id, factorType, provider, vendorName, status, created, lastUpdated, profile, _links}).
 */
public record FakeFactor(String id, String factorType, String provider, String vendorName, String status,
		Instant created, Instant lastUpdated, Map<String, String> profile) {

	public FakeFactor {
		profile = Map.copyOf(profile);
	}

	FakeFactor withStatus(String newStatus, Instant when) {
		return new FakeFactor(id, factorType, provider, vendorName, newStatus, created, when, profile);
	}
}
