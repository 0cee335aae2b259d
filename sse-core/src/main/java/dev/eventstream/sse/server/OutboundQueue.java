package dev.eventstream.sse.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The frames waiting to be written to one connection: many publishers offer, one drainer
 * polls. Bounded by a limit in frames given at each offer; lock-free, and it allocates
 * nothing while empty.
 */
final class OutboundQueue {

	private final ConcurrentLinkedQueue<Frame> frames = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	/**
	 * Adds a frame and returns the number of frames queued with it, or {@code 0} when the
	 * queue already holds {@code limit} frames.
	 */
	int offer(Frame frame, int limit) {
		int size = this.size.incrementAndGet();
		if (size > limit) {
			this.size.decrementAndGet();
			return 0;
		}
		this.frames.offer(frame);
		return size;
	}

	/** Adds a control frame that does not count against the capacity. */
	void force(Frame frame) {
		this.size.incrementAndGet();
		this.frames.offer(frame);
	}

	@Nullable Frame poll() {
		Frame frame = this.frames.poll();
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
