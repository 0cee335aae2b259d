package dev.eventstream.benchmarks.load;

/**
 * A log-linear histogram of non-negative values (microseconds here) with 64 buckets per
 * power of two, so any percentile is within 1.6% of the value recorded. Not thread-safe:
 * one per recording thread, merged afterwards.
 */
final class Histogram {

	private static final int SUB_BITS = 6;

	private static final int SUB_COUNT = 1 << SUB_BITS;

	private final long[] counts = new long[(64 - SUB_BITS + 1) * SUB_COUNT];

	private long total;

	private long max;

	void record(long value) {
		long v = Math.max(0, value);
		this.counts[index(v)]++;
		this.total++;
		if (v > this.max) {
			this.max = v;
		}
	}

	void add(Histogram other) {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] += other.counts[i];
		}
		this.total += other.total;
		this.max = Math.max(this.max, other.max);
	}

	long count() {
		return this.total;
	}

	long max() {
		return this.max;
	}

	/**
	 * Returns the value below which the given fraction of the values lie (the bucket's
	 * upper bound, never above the maximum), or {@code -1} when nothing was recorded.
	 */
	long percentile(double fraction) {
		if (this.total == 0) {
			return -1;
		}
		long rank = Math.max(1, (long) Math.ceil(fraction * this.total));
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return Math.min(upperBound(i), this.max);
			}
		}
		return this.max;
	}

	static int index(long value) {
		if (value < 2 * SUB_COUNT) {
			return (int) value;
		}
		int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BITS;
		return shift * SUB_COUNT + (int) (value >>> shift);
	}

	static long upperBound(int index) {
		if (index < 2 * SUB_COUNT) {
			return index;
		}
		int shift = index / SUB_COUNT - 1;
		long sub = index - (long) shift * SUB_COUNT;
		return ((sub + 1) << shift) - 1;
	}

}
