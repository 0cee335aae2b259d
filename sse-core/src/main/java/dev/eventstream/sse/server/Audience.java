package dev.eventstream.sse.server;

import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Who an event is for: every connection, the connections of one source, or the
 * connections subscribed to one topic. Every event has exactly one audience, so a
 * connection that belongs to several receives it once.
 *
 * @param <T> the type of source ids
 * @param source the source, for an event sent to one source
 * @param topic the topic, for an event published to a topic
 * @since 0.2.0
 */
public record Audience<T>(@Nullable T source, @Nullable String topic) {

	private static final Audience<?> EVERYONE = new Audience<>(null, null);

	/**
	 * Checks that at most one of source and topic is set, and that a topic is a valid
	 * name.
	 * @throws IllegalArgumentException if both are set or the topic is not a valid name
	 */
	public Audience {
		if (source != null && topic != null) {
			throw new IllegalArgumentException("An audience is a source or a topic, not both");
		}
		if (topic != null) {
			Topics.requireValid(topic);
		}
	}

	/**
	 * Returns the audience of a broadcast.
	 * @param <T> the type of source ids
	 * @return every connection
	 */
	@SuppressWarnings("unchecked")
	public static <T> Audience<T> everyone() {
		return (Audience<T>) EVERYONE;
	}

	/**
	 * Returns the audience of an event sent to one source.
	 * @param <T> the type of source ids
	 * @param sourceId the source id
	 * @return the connections of that source
	 */
	public static <T> Audience<T> source(T sourceId) {
		return new Audience<>(Objects.requireNonNull(sourceId, "'sourceId' must not be null"), null);
	}

	/**
	 * Returns the audience of an event published to a topic.
	 * @param <T> the type of source ids
	 * @param topic the topic name
	 * @return the connections subscribed to that topic
	 * @throws IllegalArgumentException if the name is not a valid topic name
	 */
	public static <T> Audience<T> topic(String topic) {
		return new Audience<>(null, Objects.requireNonNull(topic, "'topic' must not be null"));
	}

	/**
	 * Tells whether this is every connection.
	 * @return whether neither a source nor a topic is set
	 */
	public boolean isEveryone() {
		return this.source == null && this.topic == null;
	}

	/**
	 * Tells whether a connection of the given source with the given topics belongs to
	 * this audience.
	 * @param sourceId the connection's source
	 * @param topics the connection's topics
	 * @return whether the connection receives events for this audience
	 */
	public boolean includes(T sourceId, Set<String> topics) {
		if (this.source != null) {
			return this.source.equals(sourceId);
		}
		return this.topic == null || topics.contains(this.topic);
	}

}
