package dev.factorhealer.hook;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.factorhealer.support.StrictUtf8;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Utf8} gives the JDK decoder's verdict (malformed input reported) without
 * decoding.
 */
class Utf8Tests {

	@Test
	void agreesWithTheJdkDecoderOnEveryShortSequence() {
		for (int a = 0; a < 256; a++) {
			for (int b = 0; b < 256; b++) {
				assertAgree(new byte[] { (byte) a, (byte) b });
				assertAgree(new byte[] { 'x', (byte) a, (byte) b, (byte) 0x80 });
				assertAgree(new byte[] { (byte) a, (byte) b, (byte) 0x80, (byte) 0x80, 'y' });
				assertAgree(
						new byte[] { 'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte) a, (byte) b, (byte) 0xBF, (byte) 0x80 });
			}
		}
	}

	@Test
	void agreesWithTheJdkDecoderOnRandomMostlyAsciiBodies() {
		Random random = new Random(42);
		for (int round = 0; round < 20_000; round++) {
			byte[] bytes = new byte[random.nextInt(64)];
			for (int i = 0; i < bytes.length; i++) {
				bytes[i] = (byte) (random.nextInt(10) == 0 ? random.nextInt(256) : random.nextInt(128));
			}
			assertAgree(bytes);
		}
		assertAgree("{\"displayName\":\"Zoë 李 😀\"}".getBytes(StandardCharsets.UTF_8));
	}

	private static void assertAgree(byte[] bytes) {
		assertThat(Utf8.isValid(bytes)).as(java.util.HexFormat.of().formatHex(bytes))
			.isEqualTo(StrictUtf8.isValid(bytes));
	}

}
