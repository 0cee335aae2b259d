package dev.eventstream.sse.webmvc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.SseParser;

/**
 * Reads one event stream over a real HTTP connection on a background thread, keeping the
 * raw bytes, the dispatched events and the comments.
 */
final class EventStreamRecorder implements AutoCloseable {

	private final HttpResponse<InputStream> response;

	private final ByteArrayOutputStream raw = new ByteArrayOutputStream();

	private final List<SseEvent> events = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final Thread reader;

	private volatile boolean ended;

	private volatile boolean endedCleanly;

	private EventStreamRecorder(HttpResponse<InputStream> response) {
		this.response = response;
		SseParser parser = new SseParser(new SseParser.Listener() {

			@Override
			public void onEvent(SseEvent event) {
				synchronized (EventStreamRecorder.this) {
					EventStreamRecorder.this.events.add(event);
				}
			}

			@Override
			public void onComment(String comment) {
				synchronized (EventStreamRecorder.this) {
					EventStreamRecorder.this.comments.add(comment);
				}
			}

		});
		this.reader = new Thread(() -> read(parser), "recorder");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	static EventStreamRecorder open(URI uri, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
		if (headers.length > 0) {
			request.headers(headers);
		}
		// A client of its own: a shared one may send the next request over a connection
		// it is closing.
		HttpClient client = HttpClient.newHttpClient();
		try {
			return new EventStreamRecorder(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void read(SseParser parser) {
		byte[] buffer = new byte[8192];
		try (InputStream in = this.response.body()) {
			int n;
			while ((n = in.read(buffer)) != -1) {
				synchronized (this) {
					this.raw.write(buffer, 0, n);
				}
				parser.feed(buffer, 0, n);
			}
			this.endedCleanly = true;
		}
		catch (IOException ex) {
			// closed by the test or by the server
		}
		this.ended = true;
	}

	HttpResponse<InputStream> response() {
		return this.response;
	}

	synchronized List<SseEvent> events() {
		return List.copyOf(this.events);
	}

	synchronized int eventCount() {
		return this.events.size();
	}

	synchronized List<String> data() {
		return this.events.stream().map(SseEvent::data).toList();
	}

	synchronized List<String> comments() {
		return List.copyOf(this.comments);
	}

	synchronized String raw() {
		return this.raw.toString(StandardCharsets.UTF_8);
	}

	boolean ended() {
		return this.ended;
	}

	/**
	 * Tells whether the server ended the response properly, as opposed to dropping the
	 * connection.
	 */
	boolean endedCleanly() {
		return this.ended && this.endedCleanly;
	}

	@Override
	public void close() {
		try {
			this.response.body().close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
