package dev.eventstream.sse.server;

/**
 * Why a connection was closed.
 *
 * @since 0.1.0
 */
public enum CloseReason {

	/** The client went away, or a write to it failed. */
	CLIENT,

	/** The client did not read fast enough and its buffer overflowed. */
	OVERFLOW,

	/** The server shut down. */
	SHUTDOWN,

	/** The application closed the source. */
	SERVER,

	/**
	 * The connection reached its maximum lifetime and ended cleanly; its client
	 * reconnects with its {@code Last-Event-ID}.
	 */
	LIFETIME

}
