package dev.eventstream.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every call of a {@link SseParser.Listener} in order: events as
 * {@link SseEvent}, retries as {@link Duration} and comments as {@link Comment}.
 */
final class ParseRecorder implements SseParser.Listener {

	final List<Object> calls = new ArrayList<>();

	@Override
	public void onEvent(SseEvent event) {
		this.calls.add(event);
	}

	@Override
	public void onRetry(Duration retry) {
		this.calls.add(retry);
	}

	@Override
	public void onComment(String comment) {
		this.calls.add(new Comment(comment));
	}

	List<SseEvent> events() {
		return this.calls.stream().filter(SseEvent.class::isInstance).map(SseEvent.class::cast).toList();
	}

	/**
	 * A recorded comment.
	 */
	record Comment(String text) {
	}

}
