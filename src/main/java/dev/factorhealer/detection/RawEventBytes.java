package dev.factorhealer.detection;

import java.nio.charset.StandardCharsets;

/**
 * Searches a record value's raw bytes for an ASCII text before any JSON is parsed: most
 * events can be passed over on this alone. The search is exact only for a {@link #isPlain
 * plain} record: there, {@code false} means no string the JSON parser would decode from
 * these bytes contains the text. Bytes that could spell the text in a way a plain search
 * misses (a backslash escape such as {@code \u0046}, an overlong UTF-8 form, a UTF-16 or
 * UTF-32 document) make a record not plain. Both scans pass over plain ASCII eight bytes
 * at a time ({@link ByteBlocks}).
 */
public final class RawEventBytes {

	private static final long BACKSLASHES = ByteBlocks.repeated((byte) '\\');

	private RawEventBytes() {
	}

	/**
	 * The needle for {@link #contains}: plain ASCII (other characters may be encoded
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
	 * Whether every character a JSON parser decodes from these bytes is written as
	 * itself: UTF-8 without escapes, without zero bytes (UTF-16/32), byte-order marks of
	 * UTF-16 or overlong forms.
	 */
	public static boolean isPlain(byte[] raw) {
		int last = raw.length - 1;
		int i = 0;
		while (i <= last) {
			if (i + ByteBlocks.SIZE <= raw.length) {
				long block = ByteBlocks.at(raw, i);
				if (!ByteBlocks.hasHigh(block) && !ByteBlocks.hasZero(block) && !ByteBlocks.has(block, BACKSLASHES)) {
					i += ByteBlocks.SIZE; // plain ASCII throughout
					continue;
				}
			}
			for (int end = Math.min(i + ByteBlocks.SIZE, raw.length); i < end; i++) {
				int b = raw[i];
				if (b == '\\' || b == 0) {
					return false;
				}
				if (b < 0 && !plainLead(b & 0xff, i < last ? raw[i + 1] & 0xff : 0)) {
					return false;
				}
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
	public static boolean contains(byte[] raw, byte[] needle) {
		if (needle.length == 0) {
			return true;
		}
		byte first = needle[0];
		long firsts = ByteBlocks.repeated(first);
		int max = raw.length - needle.length;
		int i = 0;
		while (i <= max) {
			if (i + ByteBlocks.SIZE <= raw.length && !ByteBlocks.has(ByteBlocks.at(raw, i), firsts)) {
				i += ByteBlocks.SIZE; // no match can start in this block
				continue;
			}
			for (int end = Math.min(i + ByteBlocks.SIZE, max + 1); i < end; i++) {
				if (raw[i] == first && startsAt(raw, i, needle)) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean startsAt(byte[] raw, int index, byte[] needle) {
		for (int j = 1; j < needle.length; j++) {
			if (raw[index + j] != needle[j]) {
				return false;
			}
		}
		return true;
	}

}
