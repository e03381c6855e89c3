package dev.factorhealer.hook;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation of a delivery, without decoding it. Jackson decodes UTF-8
 * leniently (overlong forms, surrogates, code points past U+10FFFF) and the events are
 * published as the bytes received, so the bytes themselves must be valid UTF-8; the JDK's
 * decoder says so too but decodes (and allocates) the whole body to say it. Same verdict
 * as a {@code CharsetDecoder} that reports malformed input: ASCII is checked eight bytes
 * at a time, the rest by the table of well-formed sequences of the Unicode standard (3.9,
 * table 3-7).
 */
final class Utf8 {

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long HIGH_BITS = 0x8080808080808080L;

	private Utf8() {
	}

	static boolean isValid(byte[] bytes) {
		int i = 0;
		int n = bytes.length;
		while (i < n) {
			if (i + 8 <= n && (((long) LONGS.get(bytes, i)) & HIGH_BITS) == 0) {
				i += 8;
				continue;
			}
			int b = bytes[i];
			if (b >= 0) {
				i++;
				continue;
			}
			int length = sequenceLength(bytes, i, b & 0xFF);
			if (length == 0) {
				return false;
			}
			i += length;
		}
		return true;
	}

	/**
	 * The length of the well-formed multi-byte sequence at {@code i}, 0 when it is not
	 * one.
	 */
	private static int sequenceLength(byte[] bytes, int i, int lead) {
		int n = bytes.length;
		if (lead >= 0xC2 && lead <= 0xDF) {
			return (i + 1 < n && continuation(bytes[i + 1])) ? 2 : 0;
		}
		if (lead >= 0xE0 && lead <= 0xEF) {
			if (i + 2 >= n) {
				return 0;
			}
			int second = bytes[i + 1] & 0xFF;
			int low = (lead == 0xE0) ? 0xA0 : 0x80;
			int high = (lead == 0xED) ? 0x9F : 0xBF;
			return (second >= low && second <= high && continuation(bytes[i + 2])) ? 3 : 0;
		}
		if (lead >= 0xF0 && lead <= 0xF4) {
			if (i + 3 >= n) {
				return 0;
			}
			int second = bytes[i + 1] & 0xFF;
			int low = (lead == 0xF0) ? 0x90 : 0x80;
			int high = (lead == 0xF4) ? 0x8F : 0xBF;
			return (second >= low && second <= high && continuation(bytes[i + 2]) && continuation(bytes[i + 3])) ? 4
					: 0;
		}
		return 0;
	}

	private static boolean continuation(byte b) {
		return (b & 0xC0) == 0x80;
	}

}
