package dev.eventstream.sse.server;

import java.util.concurrent.TimeUnit;

/**
 * When a stream's drainer pauses so that a client that went away is found at once.
 *
 * <p>
 * A client that closed its socket is found only by a write that fails, and the first
 * write after the close usually succeeds: the peer's kernel answers it with a reset,
 * which fails the next one. So an event that finds the stream idle for a while goes out
 * in a flush of its own, the probe, and frames found to write shortly after it wait for a
 * brief pause, so that the reset can arrive: they (a burst, or a second publish while the
 * writers were busy) would otherwise leave right after it, or in the same flush, and
 * succeed too, leaving a dead connection open until the next write. A stream kept busy
 * never pauses, and one that gets a single event pays nothing more.
 *
 * <p>
 * Used by the stream's drainer only.
 */
final class ResetProbe {

	// How long a stream must have had nothing to write for its next event to be a probe:
	// much longer than the gap between the events of a stream that is kept busy, so a
	// backlog never pays for it.
	private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

	// How long a stream that flushed a probe waits before it writes more: long enough for
	// a reset from a peer on the same host or network to arrive.
	private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	// Whether the frame just written is a probe, not flushed yet.
	private boolean probing;

	// Until when (System.nanoTime()) a frame found to write waits; 0 for no pause.
	private long pausedUntilNanos;

	/**
	 * Tells whether an event published at the given time finds the stream idle for long
	 * enough to be written as a probe.
	 * @param publishedNanos when the event was published, as {@link System#nanoTime()}
	 * @param lastWriteNanos when the stream last flushed
	 * @return whether the event must be flushed on its own, then followed by a pause
	 */
	static boolean findsIdle(long publishedNanos, long lastWriteNanos) {
		return publishedNanos - lastWriteNanos >= IDLE_NANOS;
	}

	/** Records that a probe was written: the flush that sends it starts the pause. */
	void written() {
		this.probing = true;
	}

	/** Called after each flush. */
	void flushed() {
		if (this.probing) {
			this.probing = false;
			this.pausedUntilNanos = System.nanoTime() + PAUSE_NANOS;
		}
	}

	/**
	 * Returns until when the drainer must wait before it writes.
	 * @return a time as {@link System#nanoTime()}, or 0 when it may write now
	 */
	long pausedUntil() {
		if (this.pausedUntilNanos != 0 && System.nanoTime() - this.pausedUntilNanos >= 0) {
			this.pausedUntilNanos = 0;
		}
		return this.pausedUntilNanos;
	}

	/** Forgets a probe not flushed yet: the stream closed. */
	void clear() {
		this.probing = false;
	}

}
