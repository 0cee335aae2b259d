package dev.eventstream.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event-stream client for tests: opens a stream with {@link HttpClient}, then records
 * on a background thread the raw lines and the events a browser would dispatch, following
 * the WHATWG HTML Standard, section 9.2.6 "Interpreting an event stream".
 */
final class EventStreamRecorder implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpResponse<InputStream> response;

	private final Thread reader;

	private final CountDownLatch resumed = new CountDownLatch(1);

	private final List<String> lines = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final List<Long> lineNanos = new ArrayList<>();

	private final List<List<String>> blocks = new ArrayList<>();

	private final List<Event> events = new ArrayList<>();

	private List<String> block = new ArrayList<>();

	private final StringBuilder data = new StringBuilder();

	private String type = "";

	private String idBuffer = "";

	private @Nullable String lastEventId;

	private @Nullable Long retry;

	private int carriageReturns;

	private boolean ended;

	private @Nullable Throwable failure;

	private volatile boolean closed;

	private EventStreamRecorder(HttpResponse<InputStream> response, boolean paused) {
		this.response = response;
		this.reader = new Thread(this::read, "event-stream-recorder");
		this.reader.setDaemon(true);
		if (!paused) {
			this.resumed.countDown();
		}
		this.reader.start();
	}

	/**
	 * Opens a stream and starts recording. The response headers have arrived when it
	 * returns, so the server has registered the connection.
	 */
	static EventStreamRecorder open(HttpClient client, URI uri, Map<String, String> headers) {
		return open(client, uri, headers, false);
	}

	/**
	 * Opens a stream but reads nothing of its body until {@link #resume()}: a client that
	 * does not keep up.
	 */
	static EventStreamRecorder openPaused(HttpClient client, URI uri, Map<String, String> headers) {
		return open(client, uri, headers, true);
	}

	private static EventStreamRecorder open(HttpClient client, URI uri, Map<String, String> headers, boolean paused) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
		headers.forEach(request::setHeader);
		HttpResponse<InputStream> response;
		try {
			response = client.send(request.build(), BodyHandlers.ofInputStream());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		if (response.statusCode() != 200) {
			String body;
			try (InputStream in = response.body()) {
				body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				body = ex.toString();
			}
			throw new AssertionError("GET " + uri + " answered " + response.statusCode() + ": " + body);
		}
		return new EventStreamRecorder(response, paused);
	}

	int status() {
		return this.response.statusCode();
	}

	HttpHeaders headers() {
		return this.response.headers();
	}

	/** Starts reading a stream opened with {@link #openPaused}. */
	void resume() {
		this.resumed.countDown();
	}

	/** Every line read so far, without its end-of-line. */
	synchronized List<String> lines() {
		return List.copyOf(this.lines);
	}

	/** The text of every comment line read so far, without the leading colon. */
	synchronized List<String> comments() {
		return List.copyOf(this.comments);
	}

	/** When each line of {@link #lines()} was read, from {@link System#nanoTime()}. */
	synchronized List<Long> lineNanos() {
		return List.copyOf(this.lineNanos);
	}

	/**
	 * The lines of every block ended by a blank line, whether it dispatched an event or
	 * not.
	 */
	synchronized List<List<String>> blocks() {
		return List.copyOf(this.blocks);
	}

	/** The events dispatched so far. */
	synchronized List<Event> events() {
		return List.copyOf(this.events);
	}

	/** The last event ID string: what a browser would send as {@code Last-Event-ID}. */
	synchronized @Nullable String lastEventId() {
		return this.lastEventId;
	}

	/** The last valid {@code retry} value, in milliseconds. */
	synchronized @Nullable Long retry() {
		return this.retry;
	}

	/** The number of CR characters read: a server should end lines with LF only. */
	synchronized int carriageReturns() {
		return this.carriageReturns;
	}

	/** Tells whether the body ended (or failed) before {@link #close()}. */
	synchronized boolean ended() {
		return this.ended;
	}

	synchronized @Nullable Throwable failure() {
		return this.failure;
	}

	/** Waits until at least the given number of events arrived, and returns them all. */
	List<Event> awaitEvents(int count) {
		await().atMost(TIMEOUT).until(() -> events().size() >= count);
		return events();
	}

	/**
	 * Waits for the event with the given id, and returns the events up to and including
	 * it.
	 */
	List<Event> awaitEvent(String id) {
		await().atMost(TIMEOUT).until(() -> events().stream().anyMatch((event) -> id.equals(event.id())));
		List<Event> all = events();
		for (int i = 0; i < all.size(); i++) {
			if (id.equals(all.get(i).id())) {
				return all.subList(0, i + 1);
			}
		}
		throw new IllegalStateException("no event " + id);
	}

	/**
	 * Waits for the event with the given id, closes the stream, checks that nothing came
	 * after that event and returns the events that came before it.
	 */
	List<Event> closeAfter(String id) {
		await().atMost(TIMEOUT).until(() -> events().stream().anyMatch((event) -> id.equals(event.id())));
		close();
		List<Event> all = events();
		assertThat(all.get(all.size() - 1).id()).as("id of the last event").isEqualTo(id);
		assertThat(all.stream().filter((event) -> id.equals(event.id()))).hasSize(1);
		return all.subList(0, all.size() - 1);
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.resumed.countDown();
		try {
			this.response.body().close();
			this.reader.join(TIMEOUT.toMillis());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void read() {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		boolean afterCarriageReturn = false;
		boolean first = true;
		byte[] buffer = new byte[8192];
		try {
			this.resumed.await();
			InputStream in = this.response.body();
			int count;
			while (!this.closed && (count = in.read(buffer)) != -1) {
				for (int i = 0; i < count; i++) {
					byte b = buffer[i];
					if (b == '\n' && afterCarriageReturn) {
						afterCarriageReturn = false;
						continue;
					}
					afterCarriageReturn = false;
					if (b == '\r' || b == '\n') {
						String text = line.toString(StandardCharsets.UTF_8);
						line.reset();
						// The decoder drops one leading BOM (9.2.6).
						if (first && text.startsWith("\uFEFF")) {
							text = text.substring(1);
						}
						first = false;
						synchronized (this) {
							if (b == '\r') {
								this.carriageReturns++;
								afterCarriageReturn = true;
							}
							processLine(text);
						}
					}
					else {
						line.write(b);
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			synchronized (this) {
				this.failure = ex;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			// A block that never gets its blank line is discarded (9.2.6).
			synchronized (this) {
				this.ended = !this.closed;
			}
		}
	}

	private void processLine(String line) {
		this.lines.add(line);
		this.lineNanos.add(System.nanoTime());
		if (line.isEmpty()) {
			dispatch();
			return;
		}
		this.block.add(line);
		if (line.startsWith(":")) {
			this.comments.add(line.substring(1));
			return;
		}
		int colon = line.indexOf(':');
		String name = (colon >= 0) ? line.substring(0, colon) : line;
		String value = (colon >= 0) ? line.substring(colon + 1) : "";
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		switch (name) {
			case "event" -> this.type = value;
			case "data" -> this.data.append(value).append('\n');
			case "id" -> {
				if (value.indexOf('\0') < 0) {
					this.idBuffer = value;
				}
			}
			case "retry" -> {
				if (!value.isEmpty() && value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
					this.retry = Long.parseLong(value);
				}
			}
			default -> {
				// Unknown fields are ignored.
			}
		}
	}

	private void dispatch() {
		List<String> lines = List.copyOf(this.block);
		this.block = new ArrayList<>();
		if (!lines.isEmpty()) {
			this.blocks.add(lines);
		}
		this.lastEventId = this.idBuffer;
		if (this.data.length() == 0) {
			this.type = "";
			return;
		}
		String text = this.data.substring(0, this.data.length() - 1);
		String name = this.type.isEmpty() ? "message" : this.type;
		this.events.add(new Event(this.lastEventId, name, text, lines));
		this.data.setLength(0);
		this.type = "";
	}

	/**
	 * An event as a browser dispatches it.
	 *
	 * @param id the last event ID string when it was dispatched
	 * @param type the event type, {@code message} when no {@code event} field was set
	 * @param data the data, lines joined with LF
	 * @param lines the raw lines of its block, without the blank line
	 */
	record Event(String id, String type, String data, List<String> lines) {

		boolean hasField(String name) {
			return this.lines.stream().anyMatch((line) -> line.equals(name) || line.startsWith(name + ":"));
		}

	}

}
