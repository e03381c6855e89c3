package dev.factorhealer.detection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes of a record value at a time, as one {@code long} ("SWAR"): the screens pass
 * over the long runs of plain ASCII that make up most of an event (names, ids, user
 * agents) a block at a time instead of a byte at a time, and look at single bytes only in
 * a block that holds something of interest. Each test below is exact for the block as a
 * whole (whether <em>some</em> byte qualifies). The marks ({@link #zeros},
 * {@link #below}, {@link #highs}) are exact from the lowest byte up to the first marked
 * one (a borrow can mark a byte above a marked one falsely, never one below):
 * {@link #firstMarked} of their union is the first byte of interest.
 */
final class ByteBlocks {

	/** Bytes per block. */
	static final int SIZE = Long.BYTES;

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long ONES = 0x0101010101010101L;

	private static final long HIGHS = 0x8080808080808080L;

	private ByteBlocks() {
	}

	/**
	 * The block that starts at {@code index} (at least {@link #SIZE} bytes must follow).
	 */
	static long at(byte[] bytes, int index) {
		return (long) LONGS.get(bytes, index);
	}

	/** The byte repeated in every position of a block, for {@link #has}. */
	static long repeated(byte value) {
		return (value & 0xffL) * ONES;
	}

	/** Whether some byte of the block equals the byte {@code repeated} was made of. */
	static boolean has(long block, long repeated) {
		return equal(block, repeated) != 0;
	}

	/** Whether some byte of the block is zero. */
	static boolean hasZero(long block) {
		return zeros(block) != 0;
	}

	/** Whether some byte of the block is not ASCII (0x80 or above). */
	static boolean hasHigh(long block) {
		return highs(block) != 0;
	}

	/** The high bit of the bytes that equal the byte {@code repeated} was made of. */
	static long equal(long block, long repeated) {
		return zeros(block ^ repeated);
	}

	/** The high bit of the zero bytes. */
	static long zeros(long block) {
		return (block - ONES) & ~block & HIGHS;
	}

	/** The high bit of the bytes below {@code limit} (at most 0x80), unsigned. */
	static long below(long block, int limit) {
		return (block - limit * ONES) & ~block & HIGHS;
	}

	/** The high bit of the bytes that are not ASCII. */
	static long highs(long block) {
		return block & HIGHS;
	}

	/** The index in the block (0-7) of the first marked byte; {@code marks} not 0. */
	static int firstMarked(long marks) {
		return Long.numberOfTrailingZeros(marks) >>> 3;
	}

}
