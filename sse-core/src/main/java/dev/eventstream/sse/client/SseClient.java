package dev.eventstream.sse.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.SseParser;
import org.jspecify.annotations.Nullable;

/**
 * A Server-Sent Events client that behaves like the browser's {@code EventSource},
 * following the WHATWG HTML Standard, section 9.2 "Server-sent events", on
 * {@code java.net.http.HttpClient}.
 *
 * <p>
 * Build one with {@link #builder(URI)}, then call {@link #connect()}. Events go to the
 * {@link SseListener listeners}; a test can queue them and wait for them: <pre>{@code
 * BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
 * try (SseClient client = SseClient.builder(uri).listener(events::add).build()) {
 *     client.connect();
 *     SseEvent first = events.poll(5, TimeUnit.SECONDS);
 * }
 * }</pre>
 *
 * <p>
 * Each request is a {@code GET} with {@code Accept: text/event-stream},
 * {@code Cache-Control:
 * no-cache}, the configured headers, and {@code Last-Event-ID} when the last event ID is
 * not empty. The response body is read without a thread of its own: a
 * {@link Flow.Subscriber} feeds each chunk to an {@link SseParser}.
 *
 * <p>
 * Like {@code EventSource}, the client:
 * <ul>
 * <li>opens on status 200 with content type {@code text/event-stream} (parameters such as
 * {@code charset} are ignored);
 * <li>closes for good on any other status, 204 included (the server's way to say "stop"),
 * and on any other content type, with a {@link Termination} that gives the status and
 * content type;
 * <li>connects again after a network error or a clean end of the response, once the
 * reconnection time has passed: initially {@link Builder#reconnectTime(Duration) 3
 * seconds}, then whatever the server sent in its last {@code retry} field. When
 * connections keep failing without delivering an event, the delay doubles from the second
 * failure on (from at least 100 ms), with &plusmn;20% jitter, up to
 * {@link Builder#maxReconnectTime(Duration) 30 seconds}; a connection that delivers an
 * event resets it;
 * <li>sends the last event ID it saw as {@code Last-Event-ID}, so that the server can
 * replay what was missed.
 * </ul>
 *
 * <p>
 * Like {@code EventSource}, a client waits for ever on a silent connection unless an
 * {@link Builder#idleTimeout(Duration) idle timeout} is set. To protect against a hostile
 * or broken server, the bytes of one event (every line since the last blank line,
 * comments excepted) are limited, by default to 1 MiB; a server that sends more fails the
 * connection, which is then reconnected as after a network error.
 *
 * <p>
 * By default each client has an {@code HttpClient} of its own, speaking HTTP/1.1 and
 * following redirects: the JDK's client may otherwise reuse a pooled connection that it
 * is closing after a cancelled body, and fail the next request. It also has a scheduler
 * of its own, a daemon thread started when it first waits for a reconnect or an idle
 * timeout, which it shuts down when it closes for good; clients may share one
 * {@link Builder#scheduler(ScheduledExecutorService) scheduler} instead. A client is
 * thread-safe.
 *
 * @since 0.1.0
 */
public final class SseClient implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private static final String EVENT_STREAM = "text/event-stream";

	private static final Duration DEFAULT_RECONNECT_TIME = Duration.ofSeconds(3);

	private static final Duration DEFAULT_MAX_RECONNECT_TIME = Duration.ofSeconds(30);

	private static final long DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

	private static final AtomicLong schedulerCount = new AtomicLong();

	private final URI uri;

	private final List<String[]> headers;

	private final HttpClient httpClient;

	private final List<SseListener> listeners;

	private final ReconnectBackoff backoff;

	private final long maxEventSize;

	private final Duration idleTimeout;

	private final ScheduledExecutorService scheduler;

	/** Whether the client created the scheduler, and so shuts it down when it closes. */
	private final boolean ownsScheduler;

	private final Object lock = new Object();

	/**
	 * Identifies the current connection attempt, so that callbacks of an abandoned one
	 * are ignored.
	 */
	private long generation;

	private ReadyState state = ReadyState.CONNECTING;

	private boolean started;

	private @Nullable Termination termination;

	private volatile String lastEventId;

	private @Nullable CompletableFuture<?> pendingResponse;

	private Flow.@Nullable Subscription subscription;

	private @Nullable ScheduledFuture<?> pendingReconnect;

	private @Nullable ScheduledFuture<?> pendingIdleCheck;

	private SseClient(Builder builder) {
		this.uri = builder.uri;
		this.headers = List.copyOf(builder.headers);
		this.httpClient = (builder.httpClient != null) ? builder.httpClient
				: HttpClient.newBuilder()
					.version(HttpClient.Version.HTTP_1_1)
					.followRedirects(HttpClient.Redirect.NORMAL)
					.build();
		this.listeners = List.copyOf(builder.listeners);
		this.lastEventId = builder.lastEventId;
		this.backoff = new ReconnectBackoff(builder.reconnectTime, builder.maxReconnectTime);
		this.maxEventSize = builder.maxEventSize;
		this.idleTimeout = builder.idleTimeout;
		this.ownsScheduler = builder.scheduler == null;
		this.scheduler = (builder.scheduler != null) ? builder.scheduler : createScheduler();
	}

	/**
	 * Creates the client's own scheduler. Its thread starts with the first task, and ends
	 * when the scheduler is shut down: delayed tasks are then dropped, without
	 * interrupting a running one, since {@link #close()} may be called from a listener on
	 * that thread.
	 */
	private static ScheduledExecutorService createScheduler() {
		String name = "sse-client-scheduler-" + schedulerCount.incrementAndGet();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
		return executor;
	}

	/**
	 * Returns a builder for a client of the given event stream.
	 * @param uri the URL of the event stream, {@code http} or {@code https}
	 * @return a new builder
	 * @throws IllegalArgumentException if the URL is not an absolute {@code http} or
	 * {@code https} URL
	 */
	public static Builder builder(URI uri) {
		return new Builder(uri);
	}

	/**
	 * Starts the first connection and returns at once; what follows is reported to the
	 * listeners.
	 * @throws IllegalStateException if the client was already connected or closed
	 */
	public void connect() {
		long gen;
		synchronized (this.lock) {
			if (this.started || this.state == ReadyState.CLOSED) {
				throw new IllegalStateException("client was already " + (this.started ? "connected" : "closed"));
			}
			this.started = true;
			gen = this.generation;
		}
		notifyListeners((listener) -> listener.onStateChange(ReadyState.CONNECTING));
		open(gen);
	}

	/**
	 * Returns the state of the connection: {@link ReadyState#CONNECTING} before the first
	 * response and while waiting to reconnect, {@link ReadyState#OPEN} while a stream is
	 * being read, and {@link ReadyState#CLOSED} for good.
	 * @return the state
	 */
	public ReadyState readyState() {
		synchronized (this.lock) {
			return this.state;
		}
	}

	/**
	 * Returns why the client closed for good.
	 * @return the termination, or {@code null} while the client is not closed
	 */
	public @Nullable Termination termination() {
		synchronized (this.lock) {
			return this.termination;
		}
	}

	/**
	 * Returns the last event ID: the one sent as {@code Last-Event-ID} on the next
	 * connection.
	 * @return the last event ID, empty when there is none
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Returns the reconnection time: the configured one, or the last {@code retry} the
	 * server sent.
	 * @return the reconnection time
	 */
	public Duration reconnectTime() {
		return this.backoff.reconnectTime();
	}

	/**
	 * Closes the client for good: cancels the request or the response being read, which
	 * releases its connection, and any pending reconnect, and shuts down the client's own
	 * scheduler (never one given to the
	 * {@link Builder#scheduler(ScheduledExecutorService) builder}). Returns without
	 * waiting for the network or the scheduler's thread; an event already being delivered
	 * may still reach the listeners. Does nothing if the client is already closed.
	 */
	@Override
	public void close() {
		fail(-1, Termination.closed());
	}

	private void open(long gen) {
		HttpRequest request;
		try {
			request = request();
		}
		catch (RuntimeException ex) {
			fail(gen, Termination.error(ex));
			return;
		}
		StreamSubscriber subscriber = new StreamSubscriber(gen);
		CompletableFuture<HttpResponse<Void>> response;
		try {
			response = this.httpClient.sendAsync(request, subscriber::handle);
		}
		catch (RuntimeException ex) {
			fail(gen, Termination.error(ex));
			return;
		}
		synchronized (this.lock) {
			if (gen != this.generation) {
				response.cancel(true);
				return;
			}
			this.pendingResponse = response;
		}
		response.whenComplete((result, error) -> {
			if (error != null) {
				subscriber.finish(unwrap(error));
			}
		});
		if (!this.idleTimeout.isZero()) {
			subscriber.watchIdle(this.idleTimeout);
		}
	}

	private HttpRequest request() {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.uri)
			.GET()
			.header("Accept", EVENT_STREAM)
			.header("Cache-Control", "no-cache");
		for (String[] header : this.headers) {
			request.header(header[0], header[1]);
		}
		String id = this.lastEventId;
		// WHATWG: Last-Event-ID is sent only when the last event ID string is not empty.
		if (!id.isEmpty()) {
			request.header("Last-Event-ID", id);
		}
		return request.build();
	}

	/** Marks the connection as open, unless it was abandoned. */
	private boolean opened(long gen) {
		synchronized (this.lock) {
			if (gen != this.generation) {
				return false;
			}
			this.state = ReadyState.OPEN;
		}
		notifyListeners((listener) -> listener.onStateChange(ReadyState.OPEN));
		notifyListeners(SseListener::onOpen);
		return true;
	}

	/** Schedules the next connection after a network error or the end of a response. */
	private void dropped(long gen, @Nullable Throwable cause, boolean deliveredEvent) {
		Duration delay;
		Flow.Subscription subscription;
		CompletableFuture<?> response;
		ScheduledFuture<?> idleCheck;
		long next;
		synchronized (this.lock) {
			if (gen != this.generation || this.state == ReadyState.CLOSED) {
				return;
			}
			this.generation++;
			next = this.generation;
			subscription = this.subscription;
			response = this.pendingResponse;
			idleCheck = this.pendingIdleCheck;
			this.pendingResponse = null;
			this.subscription = null;
			this.pendingIdleCheck = null;
			this.state = ReadyState.CONNECTING;
			if (deliveredEvent) {
				this.backoff.reset();
			}
			delay = this.backoff.nextDelay();
		}
		if (idleCheck != null) {
			idleCheck.cancel(false);
		}
		// After a network error these are done already; after a limit was exceeded they
		// release the connection.
		if (subscription != null) {
			subscription.cancel();
		}
		if (response != null) {
			response.cancel(true);
		}
		logger.log(System.Logger.Level.DEBUG, () -> "Reconnecting to " + this.uri + " in " + delay.toMillis() + " ms"
				+ ((cause != null) ? " after " + cause : ""));
		notifyListeners((listener) -> listener.onStateChange(ReadyState.CONNECTING));
		notifyListeners((listener) -> listener.onReconnecting(delay, cause));
		// Scheduled only after the listeners heard of the drop, so that they never hear
		// of the next connection first, even with a zero delay.
		RejectedExecutionException refused = null;
		synchronized (this.lock) {
			if (next == this.generation && this.state != ReadyState.CLOSED) {
				try {
					this.pendingReconnect = this.scheduler.schedule(() -> open(next), delay.toMillis(),
							TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException ex) {
					refused = ex;
				}
			}
		}
		if (refused != null) {
			fail(next, Termination.error(refused));
		}
	}

	/**
	 * Closes the client for good, unless it is already closed or {@code gen} names an
	 * abandoned connection; a negative {@code gen} closes whatever the current connection
	 * is.
	 */
	private void fail(long gen, Termination termination) {
		Flow.Subscription subscription;
		CompletableFuture<?> response;
		ScheduledFuture<?> reconnect;
		ScheduledFuture<?> idleCheck;
		synchronized (this.lock) {
			if (this.state == ReadyState.CLOSED || (gen >= 0 && gen != this.generation)) {
				return;
			}
			this.generation++;
			this.state = ReadyState.CLOSED;
			this.termination = termination;
			subscription = this.subscription;
			response = this.pendingResponse;
			reconnect = this.pendingReconnect;
			idleCheck = this.pendingIdleCheck;
			this.subscription = null;
			this.pendingResponse = null;
			this.pendingReconnect = null;
			this.pendingIdleCheck = null;
		}
		if (reconnect != null) {
			reconnect.cancel(false);
		}
		if (idleCheck != null) {
			idleCheck.cancel(false);
		}
		// Nothing is scheduled once the client is closed: the scheduler's thread ends.
		if (this.ownsScheduler) {
			this.scheduler.shutdown();
		}
		if (subscription != null) {
			subscription.cancel();
		}
		if (response != null) {
			response.cancel(true);
		}
		logger.log(System.Logger.Level.DEBUG, () -> "Closed " + this.uri + ": " + termination);
		notifyListeners((listener) -> listener.onStateChange(ReadyState.CLOSED));
		notifyListeners((listener) -> listener.onClosed(termination));
	}

	private void notifyListeners(Consumer<SseListener> call) {
		for (SseListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.log(System.Logger.Level.WARNING, "SSE listener failed", ex);
			}
		}
	}

	private static Throwable unwrap(Throwable error) {
		return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
	}

	static boolean isEventStream(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		int semicolon = contentType.indexOf(';');
		String mediaType = (semicolon >= 0) ? contentType.substring(0, semicolon) : contentType;
		return mediaType.trim().toLowerCase(Locale.ROOT).equals(EVENT_STREAM);
	}

	/**
	 * Reads one response: checks its status and content type, then feeds its body to a
	 * parser.
	 */
	private final class StreamSubscriber implements HttpResponse.BodySubscriber<Void>, SseParser.Listener {

		private final long gen;

		private final CompletableFuture<Void> body = new CompletableFuture<>();

		private final SseParser parser;

		private final EventSizeLimit limit;

		private Flow.@Nullable Subscription upstream;

		private volatile boolean deliveredEvent;

		private final AtomicBoolean finished = new AtomicBoolean();

		/**
		 * When bytes last arrived, or the request was sent, from
		 * {@link System#nanoTime()}.
		 */
		private volatile long lastActivity = System.nanoTime();

		StreamSubscriber(long gen) {
			this.gen = gen;
			this.parser = new SseParser(this, SseClient.this.lastEventId);
			this.limit = new EventSizeLimit(SseClient.this.maxEventSize);
		}

		HttpResponse.BodySubscriber<Void> handle(HttpResponse.ResponseInfo info) {
			this.lastActivity = System.nanoTime();
			String contentType = info.headers().firstValue("Content-Type").orElse(null);
			// WHATWG: only 200 with text/event-stream opens the stream; anything else
			// fails the connection.
			if (info.statusCode() != 200) {
				fail(this.gen, Termination.status(info.statusCode(), contentType));
				return new Discarding();
			}
			if (!isEventStream(contentType)) {
				fail(this.gen, Termination.contentType(info.statusCode(), contentType));
				return new Discarding();
			}
			if (!opened(this.gen)) {
				return new Discarding();
			}
			return this;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.upstream = subscription;
			synchronized (SseClient.this.lock) {
				if (this.gen != SseClient.this.generation) {
					subscription.cancel();
					return;
				}
				SseClient.this.subscription = subscription;
			}
			subscription.request(1);
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			Flow.Subscription subscription = Objects.requireNonNull(this.upstream);
			this.lastActivity = System.nanoTime();
			for (ByteBuffer buffer : buffers) {
				if (this.finished.get() || this.gen != currentGeneration()) {
					return;
				}
				if (!this.limit.accept(buffer)) {
					finish(new IOException("event exceeds " + SseClient.this.maxEventSize + " bytes"));
					return;
				}
				this.parser.feed(buffer);
				SseClient.this.lastEventId = this.parser.lastEventId();
			}
			subscription.request(1);
		}

		@Override
		public void onError(Throwable error) {
			finish(error);
		}

		@Override
		public void onComplete() {
			finish(null);
		}

		/**
		 * Ends this connection attempt once, whichever of the network, the size limit or
		 * the idle timeout ends it first, and schedules the next one.
		 */
		void finish(@Nullable Throwable cause) {
			if (this.finished.compareAndSet(false, true)) {
				this.body.complete(null);
				dropped(this.gen, cause, this.deliveredEvent);
			}
		}

		/**
		 * Checks, when the timeout may have passed, whether any bytes arrived since;
		 * fails the attempt if none did.
		 */
		void watchIdle(Duration timeout) {
			long remaining = this.lastActivity + timeout.toNanos() - System.nanoTime();
			if (this.finished.get() || this.gen != currentGeneration()) {
				return;
			}
			if (remaining <= 0) {
				finish(new IOException("no data within " + timeout.toMillis() + " ms"));
				return;
			}
			RejectedExecutionException refused = null;
			synchronized (SseClient.this.lock) {
				if (this.gen != SseClient.this.generation) {
					return;
				}
				try {
					SseClient.this.pendingIdleCheck = SseClient.this.scheduler.schedule(() -> watchIdle(timeout),
							remaining, TimeUnit.NANOSECONDS);
				}
				catch (RejectedExecutionException ex) {
					refused = ex;
				}
			}
			if (refused != null) {
				fail(this.gen, Termination.error(refused));
			}
		}

		@Override
		public CompletionStage<Void> getBody() {
			return this.body;
		}

		@Override
		public void onEvent(SseEvent event) {
			if (this.gen != currentGeneration()) {
				return;
			}
			this.deliveredEvent = true;
			SseClient.this.lastEventId = this.parser.lastEventId();
			notifyListeners((listener) -> listener.onEvent(event));
		}

		@Override
		public void onRetry(Duration retry) {
			if (this.gen == currentGeneration()) {
				SseClient.this.backoff.retry(retry);
			}
		}

		@Override
		public void onComment(String comment) {
			if (this.gen == currentGeneration()) {
				notifyListeners((listener) -> listener.onComment(comment));
			}
		}

		private long currentGeneration() {
			synchronized (SseClient.this.lock) {
				return SseClient.this.generation;
			}
		}

	}

	/**
	 * Takes a response that is not read: cancels its body at once, which closes its
	 * connection.
	 */
	private static final class Discarding implements HttpResponse.BodySubscriber<Void> {

		private final CompletableFuture<Void> body = new CompletableFuture<>();

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.cancel();
			this.body.complete(null);
		}

		@Override
		public void onNext(List<ByteBuffer> item) {
		}

		@Override
		public void onError(Throwable throwable) {
			this.body.complete(null);
		}

		@Override
		public void onComplete() {
			this.body.complete(null);
		}

		@Override
		public CompletionStage<Void> getBody() {
			return this.body;
		}

	}

	/**
	 * The state of a client's connection, as the {@code readyState} of
	 * {@code EventSource}.
	 *
	 * @since 0.1.0
	 */
	public enum ReadyState {

		/** Connecting: before the first response, and while waiting to reconnect. */
		CONNECTING,

		/** Open: a response is being read. */
		OPEN,

		/**
		 * Closed for good: by the application, or because the server failed the
		 * connection.
		 */
		CLOSED

	}

	/**
	 * Why a client closed for good: the application closed it, or the server or the
	 * request failed the connection in a way that reconnecting cannot fix. Not to be
	 * confused with a dropped connection, after which the client reconnects.
	 *
	 * @param kind what closed the client
	 * @param statusCode the status of the response that failed the connection, or -1 when
	 * there was none
	 * @param contentType the content type of that response, or {@code null} when there
	 * was none
	 * @param error the error that stopped the client, for {@link Kind#ERROR}
	 * @since 0.1.0
	 */
	public record Termination(Kind kind, int statusCode, @Nullable String contentType, @Nullable Throwable error) {

		/**
		 * Checks the termination.
		 * @param kind what closed the client
		 * @param statusCode the status of the response that failed the connection, or -1
		 * @param contentType the content type of that response, or {@code null}
		 * @param error the error that stopped the client, or {@code null}
		 * @throws NullPointerException if {@code kind} is {@code null}
		 */
		public Termination {
			Objects.requireNonNull(kind, "'kind' must not be null");
		}

		/**
		 * Returns the termination of a client the application closed.
		 * @return the termination
		 */
		public static Termination closed() {
			return new Termination(Kind.CLOSED, -1, null, null);
		}

		/**
		 * Returns the termination by a response whose status is not 200.
		 * @param statusCode the status
		 * @param contentType the content type, or {@code null} when there was none
		 * @return the termination
		 */
		public static Termination status(int statusCode, @Nullable String contentType) {
			return new Termination(Kind.HTTP_STATUS, statusCode, contentType, null);
		}

		/**
		 * Returns the termination by a response whose content type is not
		 * {@code text/event-stream}.
		 * @param statusCode the status
		 * @param contentType the content type, or {@code null} when there was none
		 * @return the termination
		 */
		public static Termination contentType(int statusCode, @Nullable String contentType) {
			return new Termination(Kind.CONTENT_TYPE, statusCode, contentType, null);
		}

		/**
		 * Returns the termination by a request that could not be sent, or scheduled, at
		 * all.
		 * @param error the error
		 * @return the termination
		 */
		public static Termination error(Throwable error) {
			return new Termination(Kind.ERROR, -1, null, error);
		}

		/**
		 * What closed a client.
		 *
		 * @since 0.1.0
		 */
		public enum Kind {

			/** The application called {@link SseClient#close()}. */
			CLOSED,

			/**
			 * The server answered with a status other than 200; 204 is the server's way
			 * to say "stop".
			 */
			HTTP_STATUS,

			/**
			 * The server answered 200 with a content type other than
			 * {@code text/event-stream}.
			 */
			CONTENT_TYPE,

			/**
			 * The request could not be sent at all, or the next one could not be
			 * scheduled, for a reason that retrying cannot fix.
			 */
			ERROR

		}

	}

	/**
	 * Configures an {@link SseClient}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final URI uri;

		private final List<String[]> headers = new ArrayList<>();

		private final List<SseListener> listeners = new ArrayList<>();

		private String lastEventId = "";

		private Duration reconnectTime = DEFAULT_RECONNECT_TIME;

		private Duration maxReconnectTime = DEFAULT_MAX_RECONNECT_TIME;

		private long maxEventSize = DEFAULT_MAX_EVENT_SIZE;

		private Duration idleTimeout = Duration.ZERO;

		private @Nullable HttpClient httpClient;

		private @Nullable ScheduledExecutorService scheduler;

		private Builder(URI uri) {
			Objects.requireNonNull(uri, "'uri' must not be null");
			String scheme = uri.getScheme();
			if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
				throw new IllegalArgumentException("'uri' must be an absolute http or https URL: " + uri);
			}
			this.uri = uri;
		}

		/**
		 * Adds a header to every request, such as {@code Authorization}.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 * @throws IllegalArgumentException if {@code HttpClient} does not allow the
		 * header, or the header is one the client sets itself ({@code Accept},
		 * {@code Last-Event-ID})
		 */
		public Builder header(String name, String value) {
			Objects.requireNonNull(name, "'name' must not be null");
			Objects.requireNonNull(value, "'value' must not be null");
			if (name.equalsIgnoreCase("Accept") || name.equalsIgnoreCase("Last-Event-ID")) {
				throw new IllegalArgumentException("'" + name + "' is set by the client");
			}
			// Checks the name and value the way every request will.
			HttpRequest.newBuilder().header(name, value);
			this.headers.add(new String[] { name, value });
			return this;
		}

		/**
		 * Sets the last event ID to resume from: it is sent as {@code Last-Event-ID} from
		 * the first request on, and an event without an id inherits it.
		 * @param lastEventId the last event ID; empty for none (the default)
		 * @return this builder
		 * @throws IllegalArgumentException if the ID contains CR, LF or U+0000
		 */
		public Builder lastEventId(String lastEventId) {
			Objects.requireNonNull(lastEventId, "'lastEventId' must not be null");
			new SseParser((event) -> {
			}, lastEventId);
			this.lastEventId = lastEventId;
			return this;
		}

		/**
		 * Sets the initial reconnection time, until the server sends a {@code retry}
		 * field.
		 * @param reconnectTime the time; 3 seconds by default
		 * @return this builder
		 * @throws IllegalArgumentException if the time is negative
		 */
		public Builder reconnectTime(Duration reconnectTime) {
			this.reconnectTime = requireNotNegative("reconnectTime", reconnectTime);
			return this;
		}

		/**
		 * Sets the limit of the back-off when connections keep failing. A {@code retry}
		 * from the server that is longer is still honoured.
		 * @param maxReconnectTime the limit; 30 seconds by default
		 * @return this builder
		 * @throws IllegalArgumentException if the limit is negative
		 */
		public Builder maxReconnectTime(Duration maxReconnectTime) {
			this.maxReconnectTime = requireNotNegative("maxReconnectTime", maxReconnectTime);
			return this;
		}

		/**
		 * Sets the most bytes one event may take: every line since the last blank line,
		 * line endings and comment lines excepted. A server that sends more fails the
		 * connection, which is then reconnected.
		 * @param maxEventSize the limit in bytes; 1 MiB by default
		 * @return this builder
		 * @throws IllegalArgumentException if the limit is not positive
		 */
		public Builder maxEventSize(long maxEventSize) {
			if (maxEventSize <= 0) {
				throw new IllegalArgumentException("'maxEventSize' must be positive");
			}
			this.maxEventSize = maxEventSize;
			return this;
		}

		/**
		 * Sets how long a connection may stay silent, headers and keep-alive comments
		 * included, before the client gives up on it and reconnects as after a network
		 * error. Set it above the server's keep-alive interval; it detects a connection
		 * that died without being closed.
		 * @param idleTimeout the timeout; zero (the default) waits for ever, like
		 * {@code EventSource}
		 * @return this builder
		 * @throws IllegalArgumentException if the timeout is negative
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = requireNotNegative("idleTimeout", idleTimeout);
			return this;
		}

		/**
		 * Sets the {@code HttpClient} to use instead of one of the client's own, which
		 * speaks HTTP/1.1 and follows redirects. A shared client may reuse, for the next
		 * request, a connection it is closing after a cancelled stream; give each
		 * {@code SseClient} its own. A redirect that the given client does not follow
		 * closes the {@code SseClient} like any status other than 200.
		 * @param httpClient the HTTP client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.httpClient = Objects.requireNonNull(httpClient, "'httpClient' must not be null");
			return this;
		}

		/**
		 * Sets the scheduler that waits out reconnection delays and checks the idle
		 * timeout, instead of one of the client's own. Its tasks are short: they start a
		 * request or fail an idle one. The client cancels its tasks when it closes, but
		 * never shuts the scheduler down, so it may be shared by many clients. A
		 * scheduler that refuses a task closes the client with
		 * {@link Termination.Kind#ERROR}.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(ScheduledExecutorService scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "'scheduler' must not be null");
			return this;
		}

		/**
		 * Adds a listener; listeners are called in the order they were added.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(SseListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
			return this;
		}

		/**
		 * Builds the client, which does not connect until {@link SseClient#connect()}.
		 * @return the client
		 */
		public SseClient build() {
			return new SseClient(this);
		}

		private static Duration requireNotNegative(String name, Duration duration) {
			Objects.requireNonNull(duration, "'" + name + "' must not be null");
			if (duration.isNegative()) {
				throw new IllegalArgumentException("'" + name + "' must not be negative");
			}
			return duration;
		}

	}

}
