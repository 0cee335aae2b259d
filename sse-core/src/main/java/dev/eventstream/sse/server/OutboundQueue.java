package dev.eventstream.sse.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The frames waiting to be written to one connection: many publishers offer, one drainer polls.
 * Bounded by a limit in frames given at each offer; lock-free, and it allocates nothing while empty.
 */
final class OutboundQueue {

	private final ConcurrentLinkedQueue<byte[]> frames = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	/** Adds a frame, or returns {@code false} when the queue already holds {@code limit} frames. */
	boolean offer(byte[] frame, int limit) {
		if (this.size.incrementAndGet() > limit) {
			this.size.decrementAndGet();
			return false;
		}
		this.frames.offer(frame);
		return true;
	}

	/** Adds a control frame that does not count against the capacity. */
	void force(byte[] frame) {
		this.size.incrementAndGet();
		this.frames.offer(frame);
	}

	byte @Nullable [] poll() {
		byte[] frame = this.frames.poll();
		if (frame != null) {
			this.size.decrementAndGet();
		}
		return frame;
	}

	int size() {
		return this.size.get();
	}

	void clear() {
		while (poll() != null) {
			// drop what the client will never read
		}
	}

}
