package dev.eventstream.sse.server;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a clustered server cannot reach its {@link SseCluster}, or the cluster did
 * not answer in time: the question could not be answered, or the event was not published.
 * When the cluster was called and failed (a timeout, a broken connection) rather than
 * refused at once, the event may still be published once the cluster answers again, so a
 * caller that retries may publish it twice; the message says which.
 *
 * @since 0.1.0
 */
public final class ClusterUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message the detail message
	 * @param cause the failure that made the cluster unreachable, if any
	 */
	public ClusterUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
