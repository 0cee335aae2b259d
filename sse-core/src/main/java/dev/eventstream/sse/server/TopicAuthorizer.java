package dev.eventstream.sse.server;

/**
 * Decides whether a source may subscribe to a topic. The server asks before a stream
 * starts, once per topic the stream asks for; a refusal fails the whole stream with
 * {@link ConnectionRefusedException.Reason#TOPIC_FORBIDDEN} and registers nothing.
 *
 * @param <T> the type of source ids
 * @since 0.2.0
 */
@FunctionalInterface
public interface TopicAuthorizer<T> {

	/**
	 * Tells whether the source may subscribe to the topic.
	 * @param sourceId the source that connects
	 * @param topic a topic its stream asks for
	 * @return whether the subscription is allowed
	 */
	boolean canSubscribe(T sourceId, String topic);

}
