package dev.eventstream.sse.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration properties for Server-Sent Events.
 *
 * @param retry Reconnection time sent to every client as the first field of its stream;
 * zero sends none
 * @param keepAlive Time a connection may stay idle before it receives a comment line;
 * zero disables keep-alive
 * @param bufferCapacity Number of events that may wait for one connection; a connection
 * that falls further behind is closed and catches up from history when it reconnects
 * @param maxConnections Number of connections the server holds over all sources; a new
 * connection past it is answered 503 Service Unavailable with a Retry-After header
 * @param maxConnectionsPerSource Number of connections one source may hold; a new
 * connection past it is answered 429 Too Many Requests with a Retry-After header
 * @param maxLifetime How long a connection may stay open; each gets 90 to 100% of it, at
 * random, then ends cleanly and its client reconnects with its Last-Event-ID; unlimited
 * when not set
 * @param lastEventIdParameter Name of the query parameter read as the Last-Event-ID when
 * a request has no Last-Event-ID header, for clients that cannot set headers (a browser's
 * EventSource resuming after a page load, polyfills); empty to read the header only
 * @param closeEvent Name of the event sent before the server closes a source's
 * connections (a kick, or SseSource.close()), so that its clients stop reconnecting;
 * empty to send none
 * @param writerThreads Number of threads that write to connections; the number of
 * processors, at least two, when not set
 * @param shutdownTimeout How long stopping the server waits for streams to flush what was
 * queued before it drops them
 * @param history History replayed to clients that reconnect with a Last-Event-ID
 * @param topics Topics that connections follow
 * @param presence Presence of sources: the grace after a last connection closed, and
 * presence events
 * @param cluster Cluster of servers that share events and history
 * @since 0.1.0
 */
@ConfigurationProperties("sse")
public record SseProperties(@DefaultValue("3s") Duration retry, @DefaultValue("15s") Duration keepAlive,
		@DefaultValue("256") int bufferCapacity, @DefaultValue("10000") int maxConnections,
		@DefaultValue("16") int maxConnectionsPerSource, @Nullable Duration maxLifetime,
		@DefaultValue("lastEventId") String lastEventIdParameter, @DefaultValue("close") String closeEvent,
		@Nullable Integer writerThreads, @DefaultValue("5s") Duration shutdownTimeout, @DefaultValue History history,
		@DefaultValue Topics topics, @DefaultValue Presence presence, @DefaultValue Cluster cluster) {

	/**
	 * Checks every value.
	 * @throws IllegalArgumentException naming the property and the rule it breaks
	 */
	public SseProperties {
		if (retry.isNegative()) {
			throw new IllegalArgumentException("'sse.retry' must not be negative");
		}
		if (keepAlive.isNegative()) {
			throw new IllegalArgumentException("'sse.keep-alive' must not be negative");
		}
		if (bufferCapacity < 1) {
			throw new IllegalArgumentException("'sse.buffer-capacity' must be at least 1");
		}
		if (maxConnections < 1) {
			throw new IllegalArgumentException("'sse.max-connections' must be at least 1");
		}
		if (maxConnectionsPerSource < 1) {
			throw new IllegalArgumentException("'sse.max-connections-per-source' must be at least 1");
		}
		if (maxLifetime != null && (maxLifetime.isNegative() || maxLifetime.isZero())) {
			throw new IllegalArgumentException("'sse.max-lifetime' must be positive");
		}
		requireEventName(closeEvent, "sse.close-event");
		if (writerThreads != null && writerThreads < 1) {
			throw new IllegalArgumentException("'sse.writer-threads' must be at least 1");
		}
		if (shutdownTimeout.isNegative()) {
			throw new IllegalArgumentException("'sse.shutdown-timeout' must not be negative");
		}
	}

	private static void requireEventName(String name, String property) {
		if (!name.isEmpty() && (name.isBlank() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0)) {
			throw new IllegalArgumentException("'" + property + "' must be empty or a non-blank name without CR or LF");
		}
	}

	/**
	 * History of recent events.
	 *
	 * @param size Number of events kept for replay; zero keeps none
	 * @param maxAge How long an event is kept for replay; unlimited when not set
	 * @param missedEvent Name of the event sent to a client whose Last-Event-ID history
	 * no longer holds, with the oldest id held as its data, before the events history
	 * holds; empty to send none
	 * @since 0.1.0
	 */
	public record History(@DefaultValue("1000") int size, @Nullable Duration maxAge,
			@DefaultValue("missed") String missedEvent) {

		/**
		 * Checks every value.
		 * @throws IllegalArgumentException naming the property and the rule it breaks
		 */
		public History {
			if (size < 0) {
				throw new IllegalArgumentException("'sse.history.size' must not be negative");
			}
			if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
				throw new IllegalArgumentException("'sse.history.max-age' must be positive");
			}
			requireEventName(missedEvent, "sse.history.missed-event");
		}

	}

	/**
	 * Topics that connections follow.
	 *
	 * @param maxPerConnection Number of topics one connection may follow; a connection
	 * that asks for more is refused
	 * @since 0.2.0
	 */
	public record Topics(@DefaultValue("32") int maxPerConnection) {

		/**
		 * Checks every value.
		 * @throws IllegalArgumentException naming the property and the rule it breaks
		 */
		public Topics {
			if (maxPerConnection < 0) {
				throw new IllegalArgumentException("'sse.topics.max-per-connection' must not be negative");
			}
		}

	}

	/**
	 * Presence of sources.
	 *
	 * @param grace How long a source whose last connection closed can still be sent to
	 * (what is sent is replayed when it reconnects) and stays a member of its topics (no
	 * leave event); the retry time plus two seconds when not set, so that a client
	 * reconnecting after its retry time is back within it
	 * @param event Name of the event published to a topic when a source joins or leaves
	 * it; empty to publish none
	 * @since 0.2.0
	 */
	public record Presence(@Nullable Duration grace, @DefaultValue("presence") String event) {

		/**
		 * Checks every value.
		 * @throws IllegalArgumentException naming the property and the rule it breaks
		 */
		public Presence {
			if (grace != null && grace.isNegative()) {
				throw new IllegalArgumentException("'sse.presence.grace' must not be negative");
			}
			requireEventName(event, "sse.presence.event");
		}

	}

	/**
	 * Cluster of servers behind a load balancer.
	 *
	 * @param type Kind of cluster: none for a single server, or redis to share events and
	 * history through a Redis Stream (needs Spring Data Redis and the sse-redis module;
	 * configured with sse.cluster.redis.*)
	 * @since 0.1.0
	 */
	public record Cluster(@DefaultValue("none") Type type) {

		/**
		 * Kinds of cluster.
		 *
		 * @since 0.1.0
		 */
		public enum Type {

			/** A single server: events and history stay in this process. */
			NONE,

			/** Servers share events and history through a Redis Stream. */
			REDIS

		}

	}

}
