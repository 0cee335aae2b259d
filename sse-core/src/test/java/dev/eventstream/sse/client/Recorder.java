package dev.eventstream.sse.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * Records what a client reports besides its events: states, comments, reconnect delays
 * and their causes.
 */
final class Recorder implements SseListener {

	final List<SseClient.ReadyState> states = new CopyOnWriteArrayList<>();

	final List<String> comments = new CopyOnWriteArrayList<>();

	final List<Duration> delays = new CopyOnWriteArrayList<>();

	final List<String> causes = new CopyOnWriteArrayList<>();

	@Override
	public void onEvent(SseEvent event) {
	}

	@Override
	public void onComment(String comment) {
		this.comments.add(comment);
	}

	@Override
	public void onStateChange(SseClient.ReadyState state) {
		this.states.add(state);
	}

	@Override
	public void onReconnecting(Duration delay, @Nullable Throwable cause) {
		this.delays.add(delay);
		this.causes.add((cause != null) ? cause.getClass().getSimpleName() + ": " + cause.getMessage() : "end");
	}

}
