package dev.eventstream.sse.server;

import java.util.Set;

/**
 * The servers of a cluster as one of them sees them: a shared log of events that assigns
 * their ids in one order, keeps the recent ones for replay and hands each event,
 * whichever server published it, to every server for delivery to its own connections; and
 * a record of which sources are connected anywhere. A server built with a cluster uses it
 * instead of its {@link EventHistory} and {@link EventIdGenerator}.
 *
 * <p>
 * The server {@linkplain #start starts} the cluster when it starts for the first time and
 * {@linkplain #close closes} it when it closes for good.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public interface SseCluster<T> extends AutoCloseable {

	/**
	 * Starts reading the log after its current end: from then on every event appended by
	 * any server goes to the receiver, in log order, from one thread. When the log cannot
	 * be read the cluster retries, and when it can again it resumes after the last event
	 * it delivered.
	 * @param receiver the server's receiver
	 * @return the id of the newest event in the log, after which reading starts, or
	 * {@link EventHistory#ORIGIN} when the log is empty or cannot be reached yet
	 */
	String start(Receiver<T> receiver);

	/**
	 * Appends an event to the log, which assigns its id. Fails fast: when the log cannot
	 * be reached, or does not answer within the cluster's timeout, the call throws
	 * without waiting for it to come back. An append that timed out may still be carried
	 * out when the log answers again.
	 * @param audience who the event is for
	 * @param frame the encoded event
	 * @return the id assigned
	 * @throws ClusterUnavailableException when the log cannot be reached or did not
	 * answer in time
	 */
	String append(Audience<T> audience, UnnumberedFrame frame);

	/**
	 * Returns the frames a connection of the given source and topics would have received
	 * after one id and up to another, from the log.
	 * @param lastEventId the id the client reconnected with
	 * @param upToId the newest id this server delivered; later events come through the
	 * receiver
	 * @param source the source that reconnects
	 * @param topics the topics the connection subscribes to
	 * @return the frames, and whether the log still held {@code lastEventId}
	 * @throws ClusterUnavailableException when the log cannot be reached
	 */
	EventHistory.Replay replay(String lastEventId, String upToId, T source, Set<String> topics);

	/**
	 * Compares two ids by their order in the log.
	 * @param id an id
	 * @param otherId another id
	 * @return a negative number, zero or a positive number as {@code id} comes before,
	 * is, or comes after {@code otherId}; an id that is not one of the log's form comes
	 * before every id
	 */
	int compareIds(String id, String otherId);

	/**
	 * Tells whether a source has an open connection on any server of the cluster.
	 * @param sourceId the source id
	 * @return whether some server holds a connection of the source
	 * @throws ClusterUnavailableException when the cluster cannot be reached
	 */
	boolean isConnected(T sourceId);

	/**
	 * Records that this server holds a connection of the source now. Must not block: the
	 * server calls it while it registers a connection.
	 * @param sourceId the source id
	 */
	void connected(T sourceId);

	/**
	 * Records that this server holds no connection of the source any more. Must not
	 * block.
	 * @param sourceId the source id
	 */
	void disconnected(T sourceId);

	/**
	 * Records that this server holds a connection of the source subscribed to the topic
	 * now. Must not block.
	 * @param sourceId the source id
	 * @param topic the topic
	 * @since 0.2.0
	 */
	void subscribed(T sourceId, String topic);

	/**
	 * Records that this server holds no connection of the source subscribed to the topic
	 * any more. Must not block.
	 * @param sourceId the source id
	 * @param topic the topic
	 * @since 0.2.0
	 */
	void unsubscribed(T sourceId, String topic);

	/**
	 * Records that the source's last connection subscribed to the topic on this server
	 * closed, less than the presence grace ago: until {@link #left} it still counts as a
	 * member of the topic for join and leave events, though not for {@link #presence}, so
	 * that a client that comes back on another server neither leaves nor joins again.
	 * Must not block. By default this does nothing.
	 * @param sourceId the source id
	 * @param topic the topic
	 * @since 0.2.0
	 */
	default void leaving(T sourceId, String topic) {
	}

	/**
	 * Records that the presence grace of the source in the topic ended on this server
	 * without a new connection, and tells whether the source is still a member of the
	 * topic on another server: subscribed there, or within its grace there. Of several
	 * servers whose graces end together at least one is told no, so a leave is never
	 * lost. May block for up to the cluster's timeout. By default this tells whether
	 * {@link #presence} holds the source.
	 * @param sourceId the source id
	 * @param topic the topic
	 * @return whether another server still holds the source as a member of the topic
	 * @throws ClusterUnavailableException when the cluster cannot be reached
	 * @since 0.2.0
	 */
	default boolean left(T sourceId, String topic) {
		return presence(topic).contains(sourceId);
	}

	/**
	 * Tells whether the source is a member of the topic on another server: subscribed
	 * there, or within its presence grace there. By default this tells whether
	 * {@link #presence} holds the source.
	 * @param sourceId the source id
	 * @param topic the topic
	 * @return whether another server holds the source as a member of the topic
	 * @throws ClusterUnavailableException when the cluster cannot be reached
	 * @since 0.2.0
	 */
	default boolean isMemberElsewhere(T sourceId, String topic) {
		return presence(topic).contains(sourceId);
	}

	/**
	 * Returns the sources with a connection subscribed to the topic on any server of the
	 * cluster.
	 * @param topic the topic
	 * @return the source ids
	 * @throws ClusterUnavailableException when the cluster cannot be reached
	 * @since 0.2.0
	 */
	Set<T> presence(String topic);

	/**
	 * Tells whether the cluster could be reached the last time it was used.
	 * @return {@code false} from a call that failed or timed out until the cluster
	 * answers again
	 */
	boolean isAvailable();

	/**
	 * Stops reading the log and releases what the cluster holds for this server.
	 */
	@Override
	void close();

	/**
	 * Where a cluster delivers the events of its log.
	 *
	 * @param <T> the type of source ids
	 * @since 0.1.0
	 */
	@FunctionalInterface
	interface Receiver<T> {

		/**
		 * Delivers one event of the log to this server's connections.
		 * @param id the event id
		 * @param audience who the event is for
		 * @param frame the complete frame, with its id
		 * @param publishedMillis when the event was appended, in milliseconds since the
		 * epoch
		 */
		void receive(String id, Audience<T> audience, byte[] frame, long publishedMillis);

	}

}
