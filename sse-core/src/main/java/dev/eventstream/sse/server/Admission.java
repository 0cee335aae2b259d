package dev.eventstream.sse.server;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Whether a new connection may register: the source is not kicked, its topics are
 * allowed, and neither the source nor the server holds its maximum number of connections.
 *
 * @param <T> the type of source ids
 */
final class Admission<T> {

	private final KickRefusals<T> refusals = new KickRefusals<>();

	private final int maxConnections;

	private final int maxConnectionsPerSource;

	private final Duration retryAfter;

	private final @Nullable TopicAuthorizer<T> authorizer;

	Admission(int maxConnections, int maxConnectionsPerSource, Duration retryAfter,
			@Nullable TopicAuthorizer<T> authorizer) {
		this.maxConnections = maxConnections;
		this.maxConnectionsPerSource = maxConnectionsPerSource;
		this.retryAfter = retryAfter;
		this.authorizer = authorizer;
	}

	/**
	 * Asks the application about the stream's topics; called before the publish lock is
	 * taken.
	 */
	void authorize(SseStream<T> stream) {
		if (this.authorizer == null) {
			return;
		}
		for (String topic : stream.topics()) {
			if (!this.authorizer.canSubscribe(stream.sourceId(), topic)) {
				throw new ConnectionRefusedException(ConnectionRefusedException.Reason.TOPIC_FORBIDDEN, Duration.ZERO,
						"Source may not subscribe to topic " + LogText.of(topic));
			}
		}
	}

	/**
	 * Throws when a new connection of the source must be refused. Called under the
	 * publish lock, which every registration holds: counts only grow under it, so a limit
	 * is never exceeded.
	 */
	void check(T sourceId, Registry<T> registry) {
		long refused = this.refusals.remainingNanos(sourceId, System.nanoTime());
		if (refused > 0) {
			throw new ConnectionRefusedException(ConnectionRefusedException.Reason.KICKED, Duration.ofNanos(refused),
					"Source was kicked; its connections are refused for " + Duration.ofNanos(refused));
		}
		SseSource<T> source = registry.get(sourceId);
		if (source != null && source.connectionCount() >= this.maxConnectionsPerSource) {
			throw new ConnectionRefusedException(ConnectionRefusedException.Reason.MAX_CONNECTIONS_PER_SOURCE,
					this.retryAfter, "Source has " + this.maxConnectionsPerSource + " connections, the most allowed");
		}
		if (registry.connectionCount() >= this.maxConnections) {
			throw new ConnectionRefusedException(ConnectionRefusedException.Reason.MAX_CONNECTIONS, this.retryAfter,
					"Server has " + this.maxConnections + " connections, the most allowed");
		}
	}

	/**
	 * Refuses the source's new connections for the given time; called under the publish
	 * lock.
	 */
	void refuse(T sourceId, long refuseForNanos) {
		this.refusals.refuse(sourceId, System.nanoTime(), refuseForNanos);
	}

	/** Forgets refusals that ended. */
	void purge(long now) {
		this.refusals.purge(now);
	}

}
