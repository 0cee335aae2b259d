package dev.eventstream.sse.server;

/**
 * Thrown when a stream is opened or an event is published after the server was stopped or
 * closed. Nothing was registered or sent; a transport answers
 * {@code 503 Service Unavailable} and a publisher may try again once the server is back,
 * or on another instance.
 *
 * @since 0.2.0
 */
public final class ServerClosedException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	ServerClosedException() {
		super("SSE server is not running");
	}

}
