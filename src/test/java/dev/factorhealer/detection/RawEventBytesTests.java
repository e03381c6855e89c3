package dev.factorhealer.detection;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.factorhealer.support.StrictUtf8;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scans that pass over eight bytes at a time answer exactly what a byte-at-a-time
 * scan answers, wherever the interesting byte falls: inside a block, at its edges, in the
 * tail shorter than a block. That includes the strings of {@link PlainEventCheck}.
 */
class RawEventBytesTests {

	/** Plain ASCII, and every byte the scans treat specially. */
	private static final byte[] ALPHABET = { 'a', 'R', 'e', ' ', '"', '\\', 0, 0x1f, 0x7f, (byte) 0x80, (byte) 0xa0,
			(byte) 0x90, (byte) 0xbf, (byte) 0xc0, (byte) 0xc1, (byte) 0xc3, (byte) 0xe0, (byte) 0xed, (byte) 0xf0,
			(byte) 0xf4, (byte) 0xf5, (byte) 0xfe, (byte) 0xff };

	private static final PlainEventCheck PLAIN = new PlainEventCheck(JsonMapper.builder().build());

	@Property(tries = 3000)
	void isPlainAnswersAsAByteAtATimeScan(@ForAll("records") byte[] raw) {
		Statistics.label("plain").collect(referenceIsPlain(raw));
		assertThat(RawEventBytes.isPlain(raw)).isEqualTo(referenceIsPlain(raw));
	}

	@Property(tries = 3000)
	void containsAnswersAsAByteAtATimeSearch(@ForAll("records") byte[] raw, @ForAll("needles") byte[] needle) {
		Statistics.label("found").collect(referenceContains(raw, needle));
		assertThat(RawEventBytes.contains(raw, needle)).isEqualTo(referenceContains(raw, needle));
	}

	@Property(tries = 3000)
	void aStringIsPlainExactlyWhenEachOfItsBytesIs(@ForAll("records") byte[] text,
			@ForAll @IntRange(min = 1, max = 9) int nameLength) {
		// the name's length moves the text across block boundaries
		byte[] head = ("{\"uuid\":\"u\",\"" + "k".repeat(nameLength) + "\":\"").getBytes(StandardCharsets.US_ASCII);
		byte[] record = new byte[head.length + text.length + 2];
		System.arraycopy(head, 0, record, 0, head.length);
		System.arraycopy(text, 0, record, head.length, text.length);
		record[record.length - 2] = '"';
		record[record.length - 1] = '}';
		Statistics.label("plain").collect(referenceIsPlainText(text));
		assertThat(PLAIN.isPlainEvent(record)).isEqualTo(referenceIsPlainText(text));
	}

	@Test
	void findsATextAtEveryOffsetOfARecord() {
		byte[] needle = RawEventBytes.needle("Resource not found: ");
		for (int offset = 0; offset <= 40; offset++) {
			byte[] raw = ("x".repeat(offset) + "Resource not found: 00u1 (UserFactor)")
				.getBytes(StandardCharsets.US_ASCII);
			assertThat(RawEventBytes.contains(raw, needle)).as("at %d", offset).isTrue();
			raw[offset + 9] = 'N';
			assertThat(RawEventBytes.contains(raw, needle)).as("spoiled at %d", offset).isFalse();
			assertThat(RawEventBytes.isPlain(raw)).isTrue();
			raw[raw.length - 1 - offset % raw.length] = '\\';
			assertThat(RawEventBytes.isPlain(raw)).as("backslash at %d", offset).isFalse();
		}
	}

	@Provide
	Arbitrary<byte[]> records() {
		Arbitrary<Byte> rare = Arbitraries.integers().between(0, ALPHABET.length - 1).map(i -> ALPHABET[i]);
		Arbitrary<Byte> mostlyAscii = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of((byte) 'a')),
				Tuple.of(3, Arbitraries.of((byte) 'R', (byte) 'e', (byte) 'u')), Tuple.of(1, rare));
		return mostlyAscii.array(byte[].class).ofMinSize(0).ofMaxSize(48);
	}

	@Provide
	Arbitrary<byte[]> needles() {
		return Arbitraries.of("R", "Re", "ae", "aaaaaaaaa", "Reaua", "u").map(RawEventBytes::needle);
	}

	private static boolean referenceIsPlain(byte[] raw) {
		for (int i = 0; i < raw.length; i++) {
			int b = raw[i] & 0xff;
			int next = i + 1 < raw.length ? raw[i + 1] & 0xff : 0;
			boolean bad = switch (b) {
				case '\\', 0, 0xc0, 0xc1, 0xfe, 0xff -> true;
				case 0xe0 -> next < 0xa0;
				case 0xf0 -> next < 0x90;
				default -> b >= 0xf5;
			};
			if (bad) {
				return false;
			}
		}
		return true;
	}

	/**
	 * What a string may hold as it is: no quote, backslash or control character, strict
	 * UTF-8.
	 */
	private static boolean referenceIsPlainText(byte[] text) {
		for (byte b : text) {
			int c = b & 0xff;
			if (c == '"' || c == '\\' || c < 0x20) {
				return false;
			}
		}
		return StrictUtf8.isValid(text);
	}

	private static boolean referenceContains(byte[] raw, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= raw.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (raw[i + j] != needle[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

}
