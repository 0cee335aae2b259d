package dev.eventstream.sse.client;

import java.time.Duration;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * A callback for what an {@link SseClient} receives and how its connection changes.
 *
 * <p>
 * Only {@link #onEvent(SseEvent)} must be implemented, so a listener can be a lambda;
 * every other method does nothing by default. The calls are made from the threads of the
 * client's {@code HttpClient}, one at a time and in order for each connection;
 * {@link #onClosed} after {@link SseClient#close()} is called from the closing thread. A
 * listener should not block for long, since the stream is not read while it runs. An
 * exception thrown by a listener is logged and otherwise ignored.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface SseListener {

	/**
	 * Called when a response with status 200 and content type {@code text/event-stream}
	 * arrives, before any of its events. Does nothing by default.
	 */
	default void onOpen() {
	}

	/**
	 * Receives a dispatched event: its {@code id} is the last event ID ({@code null} when
	 * empty), its {@code event} the type ({@code message} by default) and its
	 * {@code data} the data lines joined with LF.
	 * @param event the event
	 */
	void onEvent(SseEvent event);

	/**
	 * Receives a comment line, such as a keep-alive, without its leading colon and one
	 * optional space. Does nothing by default.
	 * @param comment the comment text, possibly empty
	 */
	default void onComment(String comment) {
	}

	/**
	 * Called when the connection state changes, including the first change to
	 * {@link SseClient.ReadyState#CONNECTING} on {@link SseClient#connect()}. Does
	 * nothing by default.
	 * @param state the new state
	 */
	default void onStateChange(SseClient.ReadyState state) {
	}

	/**
	 * Called when a connection was lost and the client will connect again after the given
	 * delay. Does nothing by default.
	 * @param delay how long the client waits before it connects again
	 * @param cause the network error, or {@code null} when the server ended the response
	 * cleanly
	 */
	default void onReconnecting(Duration delay, @Nullable Throwable cause) {
	}

	/**
	 * Called once when the client closes for good, whether the application closed it or
	 * the server failed the connection. Does nothing by default.
	 * @param termination why the client closed
	 */
	default void onClosed(SseClient.Termination termination) {
	}

}
