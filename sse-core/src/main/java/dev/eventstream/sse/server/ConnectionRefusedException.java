package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by
 * {@link SseStream#open(dev.eventstream.sse.server.transport.SseConnection, String)} when
 * the server refuses a new connection: a connection limit is reached, or the source was
 * {@linkplain SseServer#kick kicked}. Nothing is registered for a refused connection, and
 * the streams already open are not affected.
 *
 * @since 0.1.0
 */
public final class ConnectionRefusedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Reason reason;

	private final Duration retryAfter;

	/**
	 * Creates an exception for a refused connection.
	 * @param reason why the connection was refused
	 * @param retryAfter how long the client should wait before it tries again
	 * @param message the detail message
	 */
	ConnectionRefusedException(Reason reason, Duration retryAfter, String message) {
		super(message);
		this.reason = Objects.requireNonNull(reason, "'reason' must not be null");
		this.retryAfter = Objects.requireNonNull(retryAfter, "'retryAfter' must not be null");
	}

	/**
	 * Returns why the connection was refused.
	 * @return the reason
	 */
	public Reason reason() {
		return this.reason;
	}

	/**
	 * Returns how long the client should wait before it tries again: the server's
	 * reconnection time for a limit, what is left of the refusal for a kicked source.
	 * @return the time, never negative
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Why a connection was refused. A transport maps each to its own answer: over HTTP,
	 * {@code 503} for the global limit, {@code 429} for the per-source limit, {@code 403}
	 * for a forbidden topic and {@code 204} for a kicked source, which tells an
	 * {@code EventSource} to stop reconnecting.
	 *
	 * @since 0.1.0
	 */
	public enum Reason {

		/** The server holds its maximum number of connections over all sources. */
		MAX_CONNECTIONS,

		/** The source holds its maximum number of connections. */
		MAX_CONNECTIONS_PER_SOURCE,

		/** The source was kicked and its reconnects are refused for a while. */
		KICKED,

		/**
		 * The {@link TopicAuthorizer} refused one of the topics the stream asked for.
		 * @since 0.2.0
		 */
		TOPIC_FORBIDDEN

	}

}
