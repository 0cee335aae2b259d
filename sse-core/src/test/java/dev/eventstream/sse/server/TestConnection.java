package dev.eventstream.sse.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.eventstream.sse.server.transport.SseConnection;
import dev.eventstream.sse.server.transport.StreamEndpoint;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * An in-memory {@link SseConnection} that behaves like a Servlet non-blocking response:
 * it records what is written, can stall (its {@link #isReady()} answers {@code false}
 * until {@link #becomeWritable()}), can fail its writes like a vanished peer, and calls
 * {@link StreamEndpoint#onWritePossible()} once right after the stream is opened, as a
 * container does after {@code setWriteListener}.
 *
 * <p>
 * It also checks the seam's contract: it counts calls that overlap (the server must never
 * call it from two threads at once) and calls made after {@link #close()}.
 */
final class TestConnection implements SseConnection {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final List<byte[]> writes = new ArrayList<>();

	private final List<Long> writeNanos = new ArrayList<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger overlappingCalls = new AtomicInteger();

	private final AtomicInteger callsAfterClose = new AtomicInteger();

	private final AtomicInteger closeCalls = new AtomicInteger();

	private final AtomicInteger notReadyAnswers = new AtomicInteger();

	private final AtomicInteger flushedWrites = new AtomicInteger();

	private final List<Integer> flushes = new ArrayList<>();

	private final AtomicInteger callsWithoutReady = new AtomicInteger();

	private volatile boolean readySinceLastCall;

	private final AtomicReference<@Nullable Runnable> duringNextIsReady = new AtomicReference<>();

	private volatile @Nullable Runnable onClose;

	private volatile boolean ready;

	private volatile boolean failWrites;

	private volatile boolean failWritesAfterNextFlush;

	private volatile @Nullable SseStream<?> stream;

	private volatile @Nullable StreamEndpoint endpoint;

	private TestConnection(boolean ready) {
		this.ready = ready;
	}

	/** Opens the stream over a new connection that accepts writes. */
	/**
	 * Connects a first-time client of the given source and opens it on a new test
	 * connection.
	 */
	static TestConnection open(SseServer<String> server, String sourceId) {
		return open(server.connect(sourceId, null));
	}

	static TestConnection open(SseStream<?> stream) {
		return new TestConnection(true).openStream(stream);
	}

	/** Opens the stream over a new connection whose client does not read yet. */
	static TestConnection openStalled(SseStream<?> stream) {
		return new TestConnection(false).openStream(stream);
	}

	/** Returns a connection that is not open yet. */
	static TestConnection create() {
		return new TestConnection(true);
	}

	TestConnection openStream(SseStream<?> stream) {
		this.stream = stream;
		StreamEndpoint endpoint = stream.open(this, null);
		this.endpoint = endpoint;
		endpoint.onWritePossible();
		return this;
	}

	/** The peer went away, as a transport reports it. */
	void disconnect() {
		endpoint().onDisconnect();
	}

	StreamEndpoint endpoint() {
		StreamEndpoint endpoint = this.endpoint;
		if (endpoint == null) {
			throw new IllegalStateException("not open");
		}
		return endpoint;
	}

	SseStream<?> stream() {
		SseStream<?> stream = this.stream;
		if (stream == null) {
			throw new IllegalStateException("not open");
		}
		return stream;
	}

	/**
	 * Has the stream queue a keep-alive if it is idle, and drains it on this thread as a
	 * writer would.
	 */
	void keepAliveIfIdle(long now, long idleNanos, Frame keepAlive) {
		List<SseStream<?>> woken = new ArrayList<>();
		stream().keepAliveIfIdle(now, idleNanos, keepAlive, woken);
		woken.forEach(SseStream::drain);
	}

	/** The client stops reading: the next {@link #isReady()} answers {@code false}. */
	void stall() {
		this.ready = false;
	}

	/** The client reads again; like a container, calls the stream back on this thread. */
	void becomeWritable() {
		this.ready = true;
		endpoint().onWritePossible();
	}

	/** The peer vanished: every later write and flush throws. */
	void failWrites() {
		this.failWrites = true;
	}

	/**
	 * The peer closed its socket: the next flush still succeeds (its kernel answers it
	 * with a reset), every write and flush after it throws.
	 */
	void failWritesAfterNextFlush() {
		this.failWritesAfterNextFlush = true;
	}

	/**
	 * Runs the action inside the next {@link #isReady()} call, as if it happened at that
	 * moment.
	 */
	void duringNextIsReady(Runnable action) {
		this.duringNextIsReady.set(action);
	}

	/** Runs the action inside {@link #close()}. */
	void onClose(Runnable action) {
		this.onClose = action;
	}

	@Override
	public boolean isReady() {
		enter();
		try {
			Runnable action = this.duringNextIsReady.getAndSet(null);
			if (action != null) {
				action.run();
			}
			boolean ready = this.ready;
			if (!ready) {
				this.notReadyAnswers.incrementAndGet();
			}
			this.readySinceLastCall = ready;
			return ready;
		}
		finally {
			exit();
		}
	}

	@Override
	public void write(byte[] frame) throws IOException {
		enter();
		try {
			requireReady();
			if (this.failWrites) {
				throw new IOException("Broken pipe");
			}
			synchronized (this.bytes) {
				this.writes.add(frame);
				this.writeNanos.add(System.nanoTime());
				this.bytes.write(frame);
			}
		}
		finally {
			exit();
		}
	}

	@Override
	public void flush() throws IOException {
		enter();
		try {
			requireReady();
			if (this.failWrites) {
				throw new IOException("Broken pipe");
			}
			synchronized (this.bytes) {
				this.flushedWrites.set(this.writes.size());
				this.flushes.add(this.writes.size());
			}
			if (this.failWritesAfterNextFlush) {
				this.failWrites = true;
			}
		}
		finally {
			exit();
		}
	}

	@Override
	public void close() {
		enter();
		try {
			this.closeCalls.incrementAndGet();
			Runnable action = this.onClose;
			if (action != null) {
				action.run();
			}
		}
		finally {
			exit();
		}
	}

	/**
	 * Like a Servlet response in non-blocking mode, each write or flush needs isReady()
	 * first.
	 */
	private void requireReady() {
		if (!this.readySinceLastCall) {
			this.callsWithoutReady.incrementAndGet();
		}
		this.readySinceLastCall = false;
	}

	private void enter() {
		if (this.inFlight.incrementAndGet() > 1) {
			this.overlappingCalls.incrementAndGet();
		}
		if (this.closeCalls.get() > 0) {
			this.callsAfterClose.incrementAndGet();
		}
	}

	private void exit() {
		this.inFlight.decrementAndGet();
	}

	String text() {
		synchronized (this.bytes) {
			return this.bytes.toString(StandardCharsets.UTF_8);
		}
	}

	/** The frames written so far, by identity, in order. */
	List<byte[]> writes() {
		synchronized (this.bytes) {
			return List.copyOf(this.writes);
		}
	}

	/**
	 * The frames written so far, each with the {@link System#nanoTime()} of its write.
	 */
	List<TimedFrame> timedFrames() {
		List<TimedFrame> frames = new ArrayList<>();
		synchronized (this.bytes) {
			for (int i = 0; i < this.writes.size(); i++) {
				// Every write is one whole frame.
				RecordedFrame frame = RecordedFrame.parse(new String(this.writes.get(i), StandardCharsets.UTF_8))
					.get(0);
				frames.add(new TimedFrame(this.writeNanos.get(i), frame));
			}
		}
		return frames;
	}

	List<RecordedFrame> frames() {
		return RecordedFrame.parse(text());
	}

	/** The frames a client would dispatch. */
	List<RecordedFrame> events() {
		return frames().stream().filter(RecordedFrame::isEvent).toList();
	}

	List<String> eventIds() {
		return events().stream().map(RecordedFrame::id).toList();
	}

	List<String> eventData() {
		return events().stream().map(RecordedFrame::data).toList();
	}

	List<RecordedFrame> comments() {
		return frames().stream().filter(RecordedFrame::isComment).toList();
	}

	/** Waits until at least the given number of events arrived, and returns them all. */
	List<RecordedFrame> awaitEvents(int count) {
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(2)).until(() -> events().size() >= count);
		return events();
	}

	/** Waits until the server closed this connection. */
	void awaitClosed() {
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(2)).until(this::isClosed);
	}

	/**
	 * Waits until the server found this connection not ready and waits for a callback.
	 */
	void awaitStalled() {
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(2)).until(() -> this.notReadyAnswers.get() > 0);
	}

	boolean isClosed() {
		return this.closeCalls.get() > 0;
	}

	int closeCalls() {
		return this.closeCalls.get();
	}

	record TimedFrame(long nanos, RecordedFrame frame) {
	}

	/** The number of frames written before the last flush. */
	int flushedWrites() {
		return this.flushedWrites.get();
	}

	/** For each flush so far, in order, the number of frames written before it. */
	List<Integer> flushes() {
		synchronized (this.bytes) {
			return List.copyOf(this.flushes);
		}
	}

	/**
	 * The number of writes and flushes not preceded by an isReady() that answered
	 * {@code true}.
	 */
	int callsWithoutReady() {
		return this.callsWithoutReady.get();
	}

	int overlappingCalls() {
		return this.overlappingCalls.get();
	}

	int callsAfterClose() {
		return this.callsAfterClose.get();
	}

}
