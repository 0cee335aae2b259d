package dev.eventstream.sse.server.transport;

import java.io.IOException;

/**
 * What a transport implements: one open HTTP response that frames are written to without
 * blocking.
 *
 * <p>
 * The contract follows the Servlet non-blocking output model. The server writes only
 * after {@link #isReady()} returned {@code true}; once it returns {@code false}, the
 * transport calls {@link StreamEndpoint#onWritePossible()} when writing can continue. The
 * server never calls these methods from two threads at once.
 *
 * @since 0.1.0
 */
public interface SseConnection {

	/**
	 * Tells whether a write would complete without blocking. Returning {@code false}
	 * obliges the transport to call {@link StreamEndpoint#onWritePossible()} later.
	 * @return whether the next write may be made now
	 */
	boolean isReady();

	/**
	 * Writes one frame. The transport may buffer it until {@link #flush()}.
	 * @param frame the bytes of a frame; shared by other connections and must not be
	 * modified
	 * @throws IOException if the peer is gone
	 */
	void write(byte[] frame) throws IOException;

	/**
	 * Sends what was written so far to the peer, committing the response headers the
	 * first time.
	 * @throws IOException if the peer is gone
	 */
	void flush() throws IOException;

	/**
	 * Ends the response. Called once, after the last write, or at once when the
	 * connection is dropped.
	 */
	void close();

}
