package dev.eventstream.sse.server;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A bounded record of recently published frames, replayed to a client that reconnects with a
 * {@code Last-Event-ID}.
 *
 * <p>Ids are opaque strings in publishing order. One id may have several frames when a payload was
 * computed per source; each frame is addressed to every source ({@code target} {@code null}) or to
 * one. The server calls {@link #append} and {@link #replay} while it holds its publishing lock.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public interface EventHistory<T> {

	/**
	 * The id a client holds before any event was published: the server primes new connections with
	 * it while its history is empty, and replays everything when a client comes back with it and
	 * nothing was evicted since.
	 */
	String ORIGIN = "0";

	/**
	 * Records a published frame.
	 * @param id the event id
	 * @param target the source the frame was sent to, or {@code null} for every source
	 * @param frame the encoded frame
	 */
	void append(String id, @Nullable T target, byte[] frame);

	/**
	 * Returns the frames a source would have received after the given id.
	 * @param lastEventId the id the client reconnected with
	 * @param source the source that reconnects
	 * @return the frames in publishing order, and whether they are complete
	 */
	Replay replay(String lastEventId, T source);

	/**
	 * Returns the id of the newest event, or {@link #ORIGIN} when nothing was published yet.
	 * @return the newest id
	 */
	String newestId();

	/**
	 * Frames to replay to a reconnecting client.
	 *
	 * @param complete whether history still held the client's last event id, so nothing was missed
	 * @param frames the frames after that id (all held frames when not complete), in publishing order
	 * @param oldestId the id of the oldest event held, or {@code null} when history is empty
	 * @since 0.1.0
	 */
	record Replay(boolean complete, List<byte[]> frames, @Nullable String oldestId) {

		/**
		 * Copies the frame list.
		 */
		public Replay {
			frames = List.copyOf(frames);
		}

	}

}
