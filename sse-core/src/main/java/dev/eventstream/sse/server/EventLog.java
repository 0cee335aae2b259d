package dev.eventstream.sse.server;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * Where published events go: assigns each its id, encodes it once, records it for replay
 * and has it delivered to this server's matching connections. One implementation keeps
 * events in this process, the other in a cluster's shared log.
 *
 * @param <T> the type of source ids
 */
interface EventLog<T> {

	/**
	 * Starts whatever the log runs in the background; called when the server starts for
	 * the first time.
	 */
	void start();

	/**
	 * Publishes an event (without an id) to its audience.
	 * @return the id assigned
	 */
	String publish(Audience<T> audience, SseEvent event);

	/**
	 * Publishes one event whose data was computed per source, under one id.
	 * @return the id assigned
	 */
	String publishEach(@Nullable String name, Map<T, String> data);

	/**
	 * Returns the newest id delivered to this server's connections; read under the
	 * publish lock.
	 */
	String newestId();

	/**
	 * Waits, briefly, until this server delivered the id a client reconnects with, when
	 * another may have sooner.
	 */
	void awaitDelivered(String lastEventId);

	/**
	 * Returns what a connection of the source and topics missed after
	 * {@code lastEventId}, up to {@code upToId}. Called without the publish lock.
	 */
	EventHistory.Replay replay(String lastEventId, String upToId, T sourceId, Set<String> topics);

	/**
	 * Tells whether a source can be sent to: it is connected here or elsewhere, or within
	 * its grace.
	 */
	boolean isAddressable(T sourceId);

	/**
	 * Records that this server holds the source, or holds it no more, for the rest of a
	 * cluster.
	 */
	void sourcePresent(T sourceId, boolean present);

	/**
	 * Records that this server holds a connection of the source in the topic, or no more.
	 */
	void topicPresent(T sourceId, String topic, boolean present);

	/**
	 * Tells whether another server holds the source as a member of the topic: subscribed,
	 * or within its presence grace there.
	 */
	boolean isTopicMemberElsewhere(T sourceId, String topic);

	/**
	 * Records that the source's presence grace in the topic ended here, and tells whether
	 * another server still holds it as a member of the topic. May block for up to the
	 * cluster's timeout.
	 */
	boolean leftTopic(T sourceId, String topic);

	/** Returns the sources present in the topic anywhere, given those present here. */
	Set<T> presence(String topic, Set<T> here);

	/** Tells whether the log can be reached: empty for a log in this process. */
	Optional<Boolean> available();

	/** Releases what the log holds; called when the server closes for good. */
	void close();

}
