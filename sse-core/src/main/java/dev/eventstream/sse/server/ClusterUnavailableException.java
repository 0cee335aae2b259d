package dev.eventstream.sse.server;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a clustered server cannot reach its {@link SseCluster}: the event was not published
 * (nothing is sent or recorded, so the caller may retry), or the question could not be answered.
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
