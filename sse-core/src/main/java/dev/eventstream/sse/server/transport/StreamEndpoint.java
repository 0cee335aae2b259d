package dev.eventstream.sse.server.transport;

/**
 * The callbacks a transport makes to an open stream, returned by
 * {@link dev.eventstream.sse.server.SseStream#open(SseConnection, String)}.
 *
 * @since 0.2.0
 */
public interface StreamEndpoint {

	/**
	 * Tells the stream that its connection can be written to: once right after it was
	 * opened, and again whenever {@link SseConnection#isReady()} answered {@code false}
	 * and writing can continue.
	 */
	void onWritePossible();

	/**
	 * Tells the stream that the peer went away or the response failed; the stream closes
	 * its connection and is released. Safe to call more than once, and before the first
	 * write.
	 */
	void onDisconnect();

}
