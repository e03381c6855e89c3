package dev.factorhealer.detection;

import java.util.Arrays;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;

/**
 * Recognises, in one pass over the raw bytes and without building anything, the usual
 * record of {@code okta.events}: one strict JSON object (RFC 8259, valid UTF-8 without
 * overlong forms or surrogates, no backslash escape anywhere, no content after it) with
 * exactly one top-level {@code uuid} that is a non-blank string. Such a record is one the
 * full path parses without complaint, and since nothing in it is escaped, a plain byte
 * search finds every text in it.
 * <p>
 * It is stricter than the mapper, never more lenient: small limits on depth, number and
 * string lengths, and only with the mapper's duplicate checks off. Anything else is "not
 * sure" and goes to the mapper's own parser, so a record the full path would send to the
 * stuck topic still goes there.
 */
final class PlainEventCheck {

	private static final int MAX_DEPTH = 64;

	private static final int MAX_NUMBER_LENGTH = 30;

	private static final int MAX_STRING_LENGTH = 1 << 20;

	private static final long QUOTES = ByteBlocks.repeated((byte) '"');

	private static final long BACKSLASHES = ByteBlocks.repeated((byte) '\\');

	private static final byte[] UUID = { 'u', 'u', 'i', 'd' };

	private static final byte[] TRUE = { 't', 'r', 'u', 'e' };

	private static final byte[] FALSE = { 'f', 'a', 'l', 's', 'e' };

	private static final byte[] NULL = { 'n', 'u', 'l', 'l' };

	private final int maxDepth;

	private final int maxStringLength;

	private final long maxDocumentLength;

	private final boolean usable;

	PlainEventCheck(ObjectMapper mapper) {
		StreamReadConstraints limits = mapper.tokenStreamFactory().streamReadConstraints();
		this.maxDepth = Math.min(MAX_DEPTH, limits.getMaxNestingDepth() - 1);
		this.maxStringLength = Math.min(MAX_STRING_LENGTH,
				Math.min(limits.getMaxStringLength(), limits.getMaxNameLength()));
		this.maxDocumentLength = limits.getMaxDocumentLength() > 0 ? limits.getMaxDocumentLength() : Long.MAX_VALUE;
		this.usable = limits.getMaxNumberLength() >= MAX_NUMBER_LENGTH && limits.getMaxTokenCount() <= 0
				&& !mapper.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
				&& !mapper.isEnabled(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
	}

	/**
	 * {@code true} only for a plain, valid event as described above; {@code false} means
	 * "not sure".
	 */
	boolean isPlainEvent(byte[] raw) {
		return this.usable && raw.length <= this.maxDocumentLength && new Reader(raw).event();
	}

	/**
	 * One pass over one record; every method answers {@code false} as soon as it is not
	 * sure.
	 */
	private final class Reader {

		private final byte[] b;

		private int i;

		private int depth;

		private int uuids;

		Reader(byte[] raw) {
			this.b = raw;
		}

		boolean event() {
			space();
			if (!at('{') || !object(true)) {
				return false;
			}
			space();
			return this.i == this.b.length && this.uuids == 1;
		}

		private boolean value() {
			if (this.i >= this.b.length) {
				return false;
			}
			return switch (this.b[this.i]) {
				case '"' -> string();
				case '{' -> object(false);
				case '[' -> array();
				case 't' -> word(TRUE);
				case 'f' -> word(FALSE);
				case 'n' -> word(NULL);
				default -> number();
			};
		}

		/**
		 * An object; at the root, its {@code uuid} must be a non-blank string (counted in
		 * {@code uuids}).
		 */
		private boolean object(boolean root) {
			if (!root && ++this.depth > PlainEventCheck.this.maxDepth) {
				return false;
			}
			this.i++;
			space();
			if (!at('}')) {
				do {
					space();
					int name = this.i + 1;
					if (!string()) {
						return false;
					}
					boolean isUuid = root && this.i - name - 1 == UUID.length
							&& Arrays.equals(this.b, name, name + UUID.length, UUID, 0, UUID.length);
					space();
					if (!at(':')) {
						return false;
					}
					this.i++;
					space();
					if (!(isUuid ? uuid() : value())) {
						return false;
					}
					space();
				}
				while (comma());
				if (!at('}')) {
					return false;
				}
			}
			this.i++;
			this.depth -= root ? 0 : 1;
			return true;
		}

		private boolean uuid() {
			this.uuids++;
			int value = this.i + 1;
			return at('"') && string() && nonBlank(value, this.i - 1);
		}

		private boolean array() {
			if (++this.depth > PlainEventCheck.this.maxDepth) {
				return false;
			}
			this.i++;
			space();
			if (!at(']')) {
				do {
					space();
					if (!value()) {
						return false;
					}
					space();
				}
				while (comma());
				if (!at(']')) {
					return false;
				}
			}
			this.i++;
			this.depth--;
			return true;
		}

		/**
		 * A string without escapes, of valid UTF-8; leaves {@code i} after the closing
		 * quote. A block at a time: the first byte of a block that is a quote (the
		 * closing one, most often), a backslash, a control character or not ASCII is
		 * found from the block's marks at once, not byte by byte.
		 */
		private boolean string() {
			if (!at('"')) {
				return false;
			}
			byte[] b = this.b;
			int start = ++this.i;
			int i = start;
			while (true) {
				if (i + ByteBlocks.SIZE <= b.length) {
					long special = specials(ByteBlocks.at(b, i));
					if (special == 0) {
						i += ByteBlocks.SIZE;
						continue;
					}
					i += ByteBlocks.firstMarked(special);
				}
				else if (i >= b.length) {
					return false;
				}
				int c = b[i] & 0xff;
				if (c == '"') {
					this.i = i + 1;
					return this.i - start <= PlainEventCheck.this.maxStringLength;
				}
				if (c == '\\' || c < 0x20) {
					return false;
				}
				if (c < 0x80) {
					i++; // the last bytes, fewer than a block
				}
				else {
					this.i = i;
					if (!utf8(c)) {
						return false;
					}
					i = this.i;
				}
			}
		}

		/**
		 * The bytes of a block that cannot stay in a string as they are, or end it: not
		 * ASCII, a control character, a quote or a backslash.
		 */
		private static long specials(long block) {
			return ByteBlocks.highs(block) | ByteBlocks.below(block, 0x20) | ByteBlocks.equal(block, QUOTES)
					| ByteBlocks.equal(block, BACKSLASHES);
		}

		/**
		 * One multi-byte UTF-8 sequence, strictly: no overlong forms, no surrogates, at
		 * most U+10FFFF.
		 */
		private boolean utf8(int lead) {
			int length;
			int low = 0x80;
			int high = 0xbf;
			if (lead >= 0xc2 && lead <= 0xdf) {
				length = 2;
			}
			else if (lead >= 0xe0 && lead <= 0xef) {
				length = 3;
				low = lead == 0xe0 ? 0xa0 : 0x80;
				high = lead == 0xed ? 0x9f : 0xbf;
			}
			else if (lead >= 0xf0 && lead <= 0xf4) {
				length = 4;
				low = lead == 0xf0 ? 0x90 : 0x80;
				high = lead == 0xf4 ? 0x8f : 0xbf;
			}
			else {
				return false;
			}
			if (this.i + length > this.b.length) {
				return false;
			}
			int second = this.b[this.i + 1] & 0xff;
			if (second < low || second > high) {
				return false;
			}
			for (int k = 2; k < length; k++) {
				if ((this.b[this.i + k] & 0xc0) != 0x80) {
					return false;
				}
			}
			this.i += length;
			return true;
		}

		/** {@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]{1,3})?}, short. */
		private boolean number() {
			int start = this.i;
			if (at('-')) {
				this.i++;
			}
			if (at('0')) {
				this.i++;
			}
			else if (digits() == 0) {
				return false;
			}
			if (at('.')) {
				this.i++;
				if (digits() == 0) {
					return false;
				}
			}
			if (at('e') || at('E')) {
				this.i++;
				if (at('+') || at('-')) {
					this.i++;
				}
				int exponent = digits();
				if (exponent == 0 || exponent > 3) {
					return false;
				}
			}
			return this.i - start <= MAX_NUMBER_LENGTH;
		}

		private int digits() {
			int start = this.i;
			while (this.i < this.b.length && this.b[this.i] >= '0' && this.b[this.i] <= '9') {
				this.i++;
			}
			return this.i - start;
		}

		private boolean word(byte[] word) {
			int end = this.i + word.length;
			if (end > this.b.length || !Arrays.equals(this.b, this.i, end, word, 0, word.length)) {
				return false;
			}
			this.i = end;
			return true;
		}

		/** Consumes a comma (and the space after it) when there is one. */
		private boolean comma() {
			if (!at(',')) {
				return false;
			}
			this.i++;
			return true;
		}

		private void space() {
			while (this.i < this.b.length) {
				byte c = this.b[this.i];
				if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
					return;
				}
				this.i++;
			}
		}

		private boolean at(char c) {
			return this.i < this.b.length && this.b[this.i] == c;
		}

		/**
		 * Some ASCII character other than a space between {@code from} and {@code to}
		 * (exclusive).
		 */
		private boolean nonBlank(int from, int to) {
			for (int k = from; k < to; k++) {
				if (this.b[k] > ' ') {
					return true;
				}
			}
			return false;
		}

	}

}
