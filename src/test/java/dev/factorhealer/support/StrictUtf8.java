package dev.factorhealer.support;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The reference for "valid UTF-8" that the hand-written scans are tested against: the
 * JDK's decoder with malformed input reported, which refuses overlong forms, encoded
 * surrogates and anything past U+10FFFF.
 */
public final class StrictUtf8 {

	private StrictUtf8() {
	}

	public static boolean isValid(byte[] bytes) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

}
