package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.test.context.junit.jupiter.SpringExtension;

import static org.awaitility.Awaitility.await;

/**
 * The event-stream recorders a test opened: closed after the test, which then waits until
 * the server of its Spring test context released every connection.
 */
final class OpenRecorders implements AfterEachCallback {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<EventStreamRecorder> recorders = new ArrayList<>();

	EventStreamRecorder open(URI uri, String... headers) {
		EventStreamRecorder recorder = EventStreamRecorder.open(uri, headers);
		this.recorders.add(recorder);
		return recorder;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.recorders.forEach(EventStreamRecorder::close);
		this.recorders.clear();
		SseServer<?> server = SpringExtension.getApplicationContext(context).getBean(SseServer.class);
		await().atMost(WAIT).until(() -> server.connectionCount() == 0);
	}

}
