package dev.eventstream.sse.webmvc;

/**
 * Callback told of every stream request the transport refused before a stream started, so
 * that refusals can be counted (the metrics do, as {@code sse.connections.refused}) while
 * each one is logged only at {@code DEBUG}: a reconnect storm must not fill the log.
 * Declare it as a bean; calls come from request threads, possibly at the same time, so an
 * implementation must be thread-safe and fast.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface StreamRefusalListener {

	/**
	 * Reason of a request refused past {@code sse.max-connections}, answered {@code 503}.
	 */
	String MAX_CONNECTIONS = "max-connections";

	/**
	 * Reason of a request refused past {@code sse.max-connections-per-source}, answered
	 * {@code 429}.
	 */
	String MAX_CONNECTIONS_PER_SOURCE = "max-connections-per-source";

	/** Reason of a request of a kicked source, answered {@code 204}. */
	String KICKED = "kicked";

	/**
	 * Reason of a request for a topic the application's authorizer refused, answered
	 * {@code 403}.
	 */
	String TOPIC_FORBIDDEN = "topic-forbidden";

	/**
	 * Reason of a request that came while the server was shutting down, answered
	 * {@code 503}.
	 */
	String SHUTDOWN = "shutdown";

	/**
	 * Called once per refused request.
	 * @param reason one of {@link #MAX_CONNECTIONS}, {@link #MAX_CONNECTIONS_PER_SOURCE},
	 * {@link #KICKED} and {@link #SHUTDOWN}
	 */
	void onRefused(String reason);

}
