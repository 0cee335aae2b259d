package dev.eventstream.benchmarks.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One measured run of events: the sequence numbers {@code base} to
 * {@code base + capacity - 1} in the events' data, and when each was published
 * ({@link System#nanoTime()}), set by the publisher just before its POST and read by the
 * readers on receipt.
 */
final class Phase {

	final long base;

	final int capacity;

	final AtomicLongArray publishedNanos;

	Phase(long base, int capacity) {
		this.base = base;
		this.capacity = capacity;
		this.publishedNanos = new AtomicLongArray(capacity);
	}

	/**
	 * Returns the data of event {@code index}: its sequence number, a space, and padding
	 * to the size.
	 */
	String data(int index, int payloadBytes) {
		String seq = Long.toString(this.base + index);
		int padding = Math.max(0, payloadBytes - seq.length() - 1);
		return seq + " " + "x".repeat(padding);
	}

}
