package dev.eventstream.sse.server;

import org.jspecify.annotations.Nullable;

/**
 * Callback that observes an {@link SseServer}: what it publishes, queues, replays and
 * delivers. Meant for metrics; every method does nothing by default.
 *
 * <p>
 * Methods are called on the publishing thread, a writer thread or a connecting thread,
 * possibly at the same time, so an implementation must be thread-safe and fast.
 * {@link #onQueued(int)} is called while the server holds its publishing lock; the other
 * methods are called without it. A method that throws is logged and does not affect
 * publishing or delivery.
 *
 * @since 0.1.0
 * @see SseServer.Builder#listener(SseServerListener)
 */
public interface SseServerListener {

	/**
	 * Called once per published event, after it was queued on every matching connection.
	 * An event whose data was computed per source counts once.
	 * @param event the event name, or {@code null} for the default type {@code message}
	 */
	default void onPublished(@Nullable String event) {
	}

	/**
	 * Called once per connection an event is queued on.
	 * @param depth the number of frames waiting for the connection, this one included
	 */
	default void onQueued(int depth) {
	}

	/**
	 * Called when a reconnecting client receives events again from history.
	 * @param frames the number of event frames queued for replay, at least one
	 */
	default void onReplayed(int frames) {
	}

	/**
	 * Called once per connection and published event, after the write that carried the
	 * event was flushed. Replayed events, keep-alives and other control frames are not
	 * reported.
	 * @param publishedNanos when the event was published, as {@link System#nanoTime()}
	 */
	default void onDelivered(long publishedNanos) {
	}

}
