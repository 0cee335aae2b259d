package dev.eventstream.sse.server;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A bounded record of recently published frames, replayed to a client that reconnects
 * with a {@code Last-Event-ID}.
 *
 * <p>
 * Ids are opaque strings in publishing order. One id may have several frames when a
 * payload was computed per source; each frame has an {@link Audience}: every connection,
 * one source's, or one topic's. The server calls {@link #append} while it holds its
 * publishing lock, and {@link #replay} without it, concurrently with appends, bounded by
 * the newest id it saw when the connection registered.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public interface EventHistory<T> {

	/**
	 * The id a client holds before any event was published: the server primes new
	 * connections with it while its history is empty, and replays everything when a
	 * client comes back with it and nothing was evicted since.
	 */
	String ORIGIN = "0";

	/**
	 * Records a published frame.
	 * @param id the event id
	 * @param audience who the frame was published to
	 * @param frame the encoded frame
	 */
	void append(String id, Audience<T> audience, byte[] frame);

	/**
	 * Returns the frames a connection of the given source and topics would have received
	 * after one id, up to and including another.
	 * @param lastEventId the id the client reconnected with
	 * @param upToId the newest id to include: the newest event when the connection
	 * registered; later ones reach it live
	 * @param source the source that reconnects
	 * @param topics the topics the connection subscribes to
	 * @return the frames in publishing order, and whether they are complete
	 * @since 0.2.0
	 */
	Replay replay(String lastEventId, String upToId, T source, Set<String> topics);

	/**
	 * Returns the id of the newest event, or {@link #ORIGIN} when nothing was published
	 * yet.
	 * @return the newest id
	 */
	String newestId();

	/**
	 * Frames to replay to a reconnecting client.
	 *
	 * @param complete whether history still held the client's last event id, so nothing
	 * was missed
	 * @param frames the frames after that id (all held frames when not complete), in
	 * publishing order
	 * @param oldestId the id of the oldest event held, or {@code null} when history is
	 * empty
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
