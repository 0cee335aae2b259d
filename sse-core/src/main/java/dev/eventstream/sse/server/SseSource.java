package dev.eventstream.sse.server;

import java.util.List;
import java.util.Optional;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * One source id with its open connections: the several tabs of one user, say. A source
 * exists while it has at least one open connection.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public final class SseSource<T> {

	@SuppressWarnings("rawtypes")
	private static final SseStream[] NO_STREAMS = new SseStream[0];

	private final SseServer<T> server;

	private final T id;

	@SuppressWarnings("unchecked")
	private volatile SseStream<T>[] streams = NO_STREAMS;

	private volatile @Nullable String lastEventId;

	SseSource(SseServer<T> server, T id) {
		this.server = server;
		this.id = id;
	}

	/**
	 * Returns the source id.
	 * @return the id
	 */
	public T id() {
		return this.id;
	}

	/**
	 * Returns the last event id this source knows: the {@code Last-Event-ID} its client
	 * reconnected with, then the id of each event sent to it.
	 * @return the id, or {@code null} when the client sent none and nothing was sent
	 * since
	 */
	public @Nullable String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Returns the number of open connections.
	 * @return the count, at least one while the source is registered
	 */
	public int connectionCount() {
		return this.streams.length;
	}

	/**
	 * Returns the open connections.
	 * @return a snapshot of the connections
	 */
	public List<SseStream<T>> streams() {
		return List.of(this.streams);
	}

	/**
	 * Sends an event to every connection of this source. The server assigns its id.
	 * @param event the event, without an id
	 * @return the id assigned, or empty when the source has no open connection any more
	 */
	public Optional<String> send(SseEvent event) {
		return this.server.send(this.id, event);
	}

	/**
	 * Closes every connection of this source after sending it the server's close event,
	 * so that its clients can stop reconnecting.
	 */
	public void close() {
		this.server.closeSource(this, CloseReason.SERVER);
	}

	/**
	 * Ends every connection of this source after the frames already queued, without the
	 * close event, so that its clients reconnect with their {@code Last-Event-ID}, to
	 * this server or another one, and miss nothing history holds: to move clients to a
	 * new instance, or to have them pass authentication again.
	 * @since 0.2.0
	 */
	public void reconnect() {
		end(CloseReason.SERVER, null);
	}

	void lastEventId(@Nullable String lastEventId) {
		this.lastEventId = lastEventId;
	}

	/** Called inside the registry's compute for this id. */
	void add(SseStream<T> stream) {
		this.streams = StreamArrays.with(this.streams, stream);
	}

	/**
	 * Called inside the registry's compute for this id; returns whether the stream was
	 * one of this source's.
	 */
	boolean remove(SseStream<T> stream) {
		SseStream<T>[] next = StreamArrays.without(this.streams, stream);
		if (next == null) {
			return false;
		}
		this.streams = next;
		return true;
	}

	void deliver(Frame frame, List<SseStream<?>> woken) {
		for (SseStream<T> stream : this.streams) {
			stream.deliver(frame, woken);
		}
	}

	void end(CloseReason reason, @Nullable Frame lastFrame) {
		for (SseStream<T> stream : this.streams) {
			stream.end(reason, lastFrame);
		}
	}

	@Override
	public String toString() {
		return "SseSource[id=" + this.id + ", connections=" + this.streams.length + "]";
	}

}
