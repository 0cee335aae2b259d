package dev.eventstream.sse.server;

/**
 * An encoded frame in a connection's queue, with what the server's listeners need to know
 * about it. An event's frame is created once per publish and shared by every connection
 * it goes to, so a connection costs no allocation per event.
 */
final class Frame {

	final byte[] bytes;

	/**
	 * When the event was published ({@link System#nanoTime()}); meaningless unless
	 * {@link #event}.
	 */
	final long publishedNanos;

	/**
	 * Whether the frame carries a published event, as opposed to a keep-alive or a close.
	 */
	final boolean event;

	private Frame(byte[] bytes, long publishedNanos, boolean event) {
		this.bytes = bytes;
		this.publishedNanos = publishedNanos;
		this.event = event;
	}

	/** Returns the frame of an event published at the given time. */
	static Frame event(byte[] bytes, long publishedNanos) {
		return new Frame(bytes, publishedNanos, true);
	}

	/**
	 * Returns a frame that is not an event delivery: a keep-alive comment, a close event
	 * or a marker.
	 */
	static Frame control(byte[] bytes) {
		return new Frame(bytes, 0, false);
	}

}
