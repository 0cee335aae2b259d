package dev.eventstream.sse.server;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * A named kind of event with a marshaller: broadcasts one payload to every source, a
 * payload computed per source, or a payload to one source.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public final class ServerEvent<T> {

	private final SseServer<T> server;

	private final @Nullable String name;

	private final Function<Object, String> marshaller;

	ServerEvent(SseServer<T> server, String name, Function<Object, String> marshaller) {
		this.server = server;
		this.name = SseEvent.of(name, "").event();
		this.marshaller = Objects.requireNonNull(marshaller, "'marshaller' must not be null");
	}

	/**
	 * Returns the event name.
	 * @return the name, or {@code null} for the default type {@code message}
	 */
	public @Nullable String name() {
		return this.name;
	}

	/**
	 * Broadcasts a payload to every source, marshalled and encoded once.
	 * @param payload the payload
	 * @return the event id
	 */
	public String send(Object payload) {
		return this.server.broadcast(event(payload));
	}

	/**
	 * Broadcasts a payload computed for each source from its id and last event id,
	 * marshalled once per source. A source that lost its last connection less than the
	 * presence grace ago counts too: its client receives its payload from history when it
	 * reconnects. A payload that fails fails only its source's delivery.
	 * @param payloads computes the payload of a source
	 * @return the event id
	 * @throws MarshallingException after the other sources received the event, when some
	 * failed
	 */
	public String send(BiFunction<? super T, @Nullable String, ?> payloads) {
		return this.server.publishEach(this.name,
				(sourceId, lastEventId) -> marshal(payloads.apply(sourceId, lastEventId)));
	}

	/**
	 * Sends a payload to one source.
	 * @param sourceId the source id
	 * @param payload the payload
	 * @return the event id, or empty when the source has no open connection
	 */
	public Optional<String> sendTo(T sourceId, Object payload) {
		return this.server.send(sourceId, event(payload));
	}

	/**
	 * Publishes a payload to every connection subscribed to a topic, on every server of a
	 * cluster; marshalled and encoded once however many subscribers, and kept for replay
	 * also when there are none.
	 * @param topic the topic
	 * @param payload the payload
	 * @return the id assigned
	 * @throws IllegalArgumentException if the topic is not a valid name
	 * @throws ServerClosedException if the server is not running
	 * @since 0.2.0
	 */
	public String sendToTopic(String topic, Object payload) {
		// Before marshalling: an invalid name fails the call without running the
		// marshaller.
		Topics.requireValid(Objects.requireNonNull(topic, "'topic' must not be null"));
		return this.server.sendToTopic(topic, event(payload));
	}

	private SseEvent event(Object payload) {
		return new SseEvent(null, this.name, marshal(payload), null, null);
	}

	private String marshal(@Nullable Object payload) {
		Objects.requireNonNull(payload, "'payload' must not be null");
		return this.marshaller.apply(payload);
	}

}
