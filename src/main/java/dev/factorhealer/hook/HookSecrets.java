package dev.factorhealer.hook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The accepted hook secrets. Every configured value is compared in constant time (no
 * early exit on the first match either), so timing tells an attacker neither a prefix nor
 * which secret matched.
 */
final class HookSecrets {

	private final List<byte[]> secrets;

	HookSecrets(List<String> secrets) {
		this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
	}

	boolean accepts(String presented) {
		if (presented == null) {
			return false;
		}
		byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
		boolean match = false;
		for (byte[] secret : this.secrets) {
			match |= MessageDigest.isEqual(secret, candidate);
		}
		return match;
	}

}
