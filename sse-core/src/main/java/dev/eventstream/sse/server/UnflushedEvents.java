package dev.eventstream.sse.server;

import org.jspecify.annotations.Nullable;

/**
 * The publishing times of the event frames a stream wrote since its last flush, reported
 * to the server's listeners as delivered once the flush succeeded. Used by the stream's
 * drainer only. Without listeners nothing is recorded, and nothing allocated: the array
 * comes with the first event recorded.
 */
final class UnflushedEvents {

	// Most event frames written between two flushes: a full array makes the stream flush
	// before it writes more.
	private static final int CAPACITY = 16;

	private final Listeners listeners;

	private long @Nullable [] publishedNanos;

	private int count;

	UnflushedEvents(Listeners listeners) {
		this.listeners = listeners;
	}

	/**
	 * Records an event frame written but not flushed yet.
	 * @param publishedNanos when the event was published, as {@link System#nanoTime()}
	 * @return whether the stream must flush before it writes another frame
	 */
	boolean add(long publishedNanos) {
		if (!this.listeners.any()) {
			return false;
		}
		long[] times = this.publishedNanos;
		if (times == null) {
			times = new long[CAPACITY];
			this.publishedNanos = times;
		}
		times[this.count++] = publishedNanos;
		return this.count == times.length;
	}

	/** Reports the recorded events as delivered: the flush that sent them succeeded. */
	void flushed() {
		long[] times = this.publishedNanos;
		int count = this.count;
		this.count = 0;
		if (times == null) {
			return;
		}
		for (int i = 0; i < count; i++) {
			this.listeners.delivered(times[i]);
		}
	}

	/** Forgets the recorded events: the stream closed before they were flushed. */
	void clear() {
		this.count = 0;
	}

}
