package dev.eventstream.sse.server;

import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The server's listeners as one: each is called in order, and one that throws does not
 * stop the others.
 */
final class Listeners {

	private static final System.Logger logger = System.getLogger(Listeners.class.getName());

	private final SseServerListener[] listeners;

	Listeners(List<SseServerListener> listeners) {
		this.listeners = listeners.toArray(new SseServerListener[0]);
	}

	/**
	 * Tells whether any listener observes, so that streams need to track their writes.
	 */
	boolean any() {
		return this.listeners.length > 0;
	}

	void published(@Nullable String event) {
		each((listener) -> listener.onPublished(event));
	}

	/**
	 * Called per connection per event: a plain loop, so that no lambda is allocated on
	 * that path.
	 */
	void queued(int depth) {
		for (SseServerListener listener : this.listeners) {
			try {
				listener.onQueued(depth);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	void replayed(int frames) {
		each((listener) -> listener.onReplayed(frames));
	}

	/** Called per connection per event: a plain loop, as in {@link #queued(int)}. */
	void delivered(long publishedNanos) {
		for (SseServerListener listener : this.listeners) {
			try {
				listener.onDelivered(publishedNanos);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	private void each(Consumer<SseServerListener> call) {
		for (SseServerListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	private static void failed(SseServerListener listener, RuntimeException ex) {
		logger.log(System.Logger.Level.WARNING, "Listener " + listener + " failed", ex);
	}

}
