package dev.factorhealer.detection;

import java.nio.charset.StandardCharsets;

/**
 * Searches a record value's raw bytes for an ASCII text before any JSON is parsed: most
 * events can be passed over on this alone. The answer is a necessary condition, never a
 * sufficient one: {@code false} means no string the JSON parser would decode from these
 * bytes contains the text. Bytes that could spell the text in a way a plain search misses
 * (a backslash escape such as {@code \u0046}, an overlong UTF-8 form, a UTF-16 or UTF-32
 * document) make it answer {@code true}.
 */
public final class RawEventBytes {

	private RawEventBytes() {
	}

	/**
	 * The needle for {@link #mayContain}: plain ASCII (other characters may be encoded
	 * several ways).
	 */
	public static byte[] needle(String ascii) {
		for (int i = 0; i < ascii.length(); i++) {
			if (ascii.charAt(i) > 0x7e || ascii.charAt(i) < 0x20) {
				throw new IllegalArgumentException("not printable ASCII: " + ascii);
			}
		}
		return ascii.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * {@code false} only when no JSON string in {@code raw} can contain {@code needle}.
	 */
	public static boolean mayContain(byte[] raw, byte[] needle) {
		return contains(raw, needle) || !isPlain(raw);
	}

	/**
	 * Whether every character a JSON parser decodes from these bytes is written as
	 * itself: UTF-8 without escapes, without zero bytes (UTF-16/32), byte-order marks of
	 * UTF-16 or overlong forms.
	 */
	static boolean isPlain(byte[] raw) {
		int last = raw.length - 1;
		for (int i = 0; i <= last; i++) {
			int b = raw[i];
			if (b == '\\' || b == 0) {
				return false;
			}
			if (b < 0 && !plainLead(b & 0xff, i < last ? raw[i + 1] & 0xff : 0)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Lead bytes of overlong forms (which a lenient decoder turns into ASCII) and
	 * byte-order marks.
	 */
	private static boolean plainLead(int lead, int next) {
		return switch (lead) {
			case 0xc0, 0xc1, 0xfe, 0xff -> false;
			case 0xe0 -> next >= 0xa0;
			case 0xf0 -> next >= 0x90;
			default -> lead < 0xf5;
		};
	}

	/**
	 * A plain search for the bytes of {@code needle} (first byte located, then compared).
	 */
	static boolean contains(byte[] raw, byte[] needle) {
		if (needle.length == 0) {
			return true;
		}
		byte first = needle[0];
		int max = raw.length - needle.length;
		for (int i = 0; i <= max; i++) {
			if (raw[i] != first) {
				continue;
			}
			int j = 1;
			while (j < needle.length && raw[i + j] == needle[j]) {
				j++;
			}
			if (j == needle.length) {
				return true;
			}
		}
		return false;
	}

}
