package dev.factorhealer.replay;

import java.util.Arrays;

/**
 * Offsets of one partition as ranges ({@code 4-9,12,15-4999}): a batch of replayed
 * records, read in offset order, takes a few bytes in the ledger instead of one entry per
 * record.
 */
final class OffsetRanges {

	/** first, last, first, last, ... */
	private long[] bounds = new long[8];

	private int size;

	/** Adds an offset greater than every offset added before. */
	void add(long offset) {
		if (this.size > 0 && offset <= this.bounds[this.size - 1]) {
			throw new IllegalArgumentException("offsets go up: " + offset + " after " + this.bounds[this.size - 1]);
		}
		if (this.size > 0 && offset == this.bounds[this.size - 1] + 1) {
			this.bounds[this.size - 1] = offset;
			return;
		}
		if (this.size == this.bounds.length) {
			this.bounds = Arrays.copyOf(this.bounds, this.size * 2);
		}
		this.bounds[this.size++] = offset;
		this.bounds[this.size++] = offset;
	}

	long first() {
		return this.bounds[0];
	}

	long last() {
		return this.bounds[this.size - 1];
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < this.size; i += 2) {
			if (i > 0) {
				text.append(',');
			}
			text.append(this.bounds[i]);
			if (this.bounds[i + 1] != this.bounds[i]) {
				text.append('-').append(this.bounds[i + 1]);
			}
		}
		return text.toString();
	}

	/**
	 * The bounds of {@code text} as written by {@link #toString()}: first, last, first,
	 * last, ...
	 */
	static long[] parse(String text) {
		String[] ranges = text.trim().split(",");
		long[] bounds = new long[ranges.length * 2];
		for (int i = 0; i < ranges.length; i++) {
			int dash = ranges[i].indexOf('-');
			bounds[2 * i] = Long.parseLong(dash < 0 ? ranges[i] : ranges[i].substring(0, dash));
			bounds[2 * i + 1] = Long.parseLong(dash < 0 ? ranges[i] : ranges[i].substring(dash + 1));
		}
		return bounds;
	}

}
