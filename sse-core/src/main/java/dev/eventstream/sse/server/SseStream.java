package dev.eventstream.sse.server;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstream.sse.server.transport.SseConnection;
import dev.eventstream.sse.server.transport.StreamEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * One connection of a source, from {@link SseServer#connect} until it closes: what a
 * controller returns and a transport serves.
 *
 * <p>
 * A transport calls {@link #open(SseConnection, String)} once its response is ready to
 * stream, then the returned {@link StreamEndpoint}'s callbacks. Frames are queued here,
 * bounded by the server's buffer capacity, and written by one thread at a time without
 * ever blocking a publisher.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public final class SseStream<T> {

	private static final System.Logger logger = System.getLogger(SseStream.class.getName());

	/** Marks the end of a graceful close in the queue; compared by identity. */
	private static final Frame END = Frame.control(new byte[0]);

	private static final int BUSY_WRITERS_FACTOR = 16;

	// Who drains: nobody, a writer thread (with or without more work signalled, or while
	// it asks isReady()), or the transport's next onWritePossible; see drain().
	private static final int IDLE = 0;

	private static final int RUNNING = 1;

	private static final int RUNNING_MORE = 2;

	private static final int AWAITING_WRITABLE = 3;

	private static final int DONE = 4;

	private static final int CHECKING_READY = 5;

	private final SseServer<T> server;

	private final T sourceId;

	private @Nullable String lastEventId;

	private final Set<String> topics;

	private final OutboundQueue queue = new OutboundQueue();

	private final int capacity;

	private final AtomicInteger state = new AtomicInteger(AWAITING_WRITABLE);

	private final AtomicBoolean released = new AtomicBoolean();

	private final ArrayDeque<byte[]> preamble = new ArrayDeque<>();

	private volatile @Nullable SseConnection connection;

	private volatile @Nullable CloseReason abortReason;

	private volatile CloseReason endReason = CloseReason.SERVER;

	private volatile long lastWriteNanos = System.nanoTime();

	// When the stream reaches its maximum lifetime, as System.nanoTime(); set once it
	// registers, after the scheduler thread can already see the stream. Read and expired
	// only by that thread, which reads the volatile flag first: so it never sees the flag
	// without the deadline written before it.
	private long expiresAtNanos;

	private volatile boolean expires;

	// Whether the transport said it cannot take more: the client is not reading as fast
	// as we write.
	private volatile boolean stalled;

	private boolean needsFlush = true;

	// Used by the drainer only, like needsFlush and flushDue.
	private final UnflushedEvents unflushedEvents;

	private final ResetProbe resetProbe = new ResetProbe();

	// Set when unflushedEvents is full or a probe was written: the next turn flushes,
	// after isReady() allowed another call.
	private boolean flushDue;

	SseStream(SseServer<T> server, T sourceId, @Nullable String lastEventId, Set<String> topics, int capacity) {
		this.server = server;
		this.sourceId = sourceId;
		this.lastEventId = lastEventId;
		this.topics = topics;
		this.capacity = capacity;
		this.unflushedEvents = new UnflushedEvents(server.listeners());
	}

	/**
	 * Returns the id of the source this connection belongs to.
	 * @return the source id
	 */
	public T sourceId() {
		return this.sourceId;
	}

	/**
	 * Returns the topics this connection follows.
	 * @return the topic names, possibly none
	 * @since 0.2.0
	 */
	public Set<String> topics() {
		return this.topics;
	}

	/**
	 * Returns the {@code Last-Event-ID} the client connected with.
	 * @return the id, or {@code null} on a first connection
	 */
	public @Nullable String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Starts streaming over the given connection; called by a transport, once. Registers
	 * this stream with its source and queues the {@code retry} field, the replay after
	 * the {@code Last-Event-ID} and the priming id, all written at the transport's first
	 * {@link StreamEndpoint#onWritePossible()}.
	 * @param connection the transport's connection
	 * @param requestLastEventId the {@code Last-Event-ID} the transport read from the
	 * request (its header, or a query parameter standing in for it), used when the
	 * application connected the stream without one; {@code null} for none
	 * @return the callbacks the transport makes from now on
	 * @throws IllegalStateException if the stream was opened before
	 * @throws ServerClosedException if the server is not running; nothing is registered
	 * then
	 * @throws ConnectionRefusedException if a connection limit is reached or the source
	 * was {@linkplain SseServer#kick kicked}; nothing is registered then
	 */
	public StreamEndpoint open(SseConnection connection, @Nullable String requestLastEventId) {
		if (this.connection != null) {
			throw new IllegalStateException("stream is already open");
		}
		this.connection = connection;
		if (this.lastEventId == null) {
			this.lastEventId = SseServer.normalizeLastEventId(requestLastEventId);
		}
		this.server.register(this);
		return new Endpoint();
	}

	/** Called back by the container when writing can continue. */
	void onWritePossible() {
		// The transport calls back only after isReady() answered false, possibly before
		// the drainer that asked got to record it: then it takes over from
		// CHECKING_READY.
		if (this.state.compareAndSet(AWAITING_WRITABLE, RUNNING) || this.state.compareAndSet(CHECKING_READY, RUNNING)) {
			drain(true);
		}
	}

	/**
	 * Returns the number of frames waiting to be written.
	 * @return the queue depth
	 */
	public int queuedFrames() {
		return this.queue.size() + this.preamble.size();
	}

	/**
	 * Tells whether this stream is still open.
	 * @return {@code false} once it was released
	 */
	public boolean isOpen() {
		return !this.released.get();
	}

	void queuePreamble(List<byte[]> frames) {
		this.preamble.addAll(frames);
	}

	/**
	 * Queues a frame; closes the stream when its buffer overflows. The capacity applies
	 * while the client is not reading; frames that wait only because the writers are busy
	 * may take up to {@value #BUSY_WRITERS_FACTOR} times as much, so a burst does not cut
	 * off clients that keep up. When the stream needs a writer it is added to the given
	 * list rather than scheduled: the server schedules every stream one publish woke
	 * together.
	 */
	void deliver(Frame frame, List<SseStream<?>> woken) {
		if (offer(frame) && claim()) {
			woken.add(this);
		}
	}

	/**
	 * Queues a frame; returns whether it was queued, or closes the stream when its buffer
	 * overflows.
	 */
	private boolean offer(Frame frame) {
		int limit = this.stalled ? this.capacity : this.capacity * BUSY_WRITERS_FACTOR;
		int depth = this.queue.offer(frame, limit);
		if (depth == 0) {
			abort(CloseReason.OVERFLOW);
			return false;
		}
		if (frame.event) {
			this.server.listeners().queued(depth);
		}
		return true;
	}

	/**
	 * Queues a keep-alive when nothing was written for the given time and nothing is
	 * pending.
	 */
	void keepAliveIfIdle(long now, long idleNanos, Frame keepAlive, List<SseStream<?>> woken) {
		if (now - this.lastWriteNanos >= idleNanos && this.queue.size() == 0 && this.state.get() == IDLE) {
			deliver(keepAlive, woken);
		}
	}

	/** Sets when the stream reaches its maximum lifetime. */
	void expiresAt(long nanos) {
		this.expiresAtNanos = nanos;
		this.expires = true;
	}

	long expiresAtNanos() {
		return this.expiresAtNanos;
	}

	/**
	 * Ends the stream once, cleanly, when its lifetime is over; returns whether it did
	 * now.
	 */
	boolean expireIfDue(long now) {
		if (!this.expires || now - this.expiresAtNanos < 0) {
			return false;
		}
		this.expires = false;
		end(CloseReason.LIFETIME, null);
		return true;
	}

	/**
	 * Ends the stream after the frames already queued, and the given last frame if any.
	 */
	void end(CloseReason reason, @Nullable Frame lastFrame) {
		this.endReason = reason;
		if (lastFrame != null) {
			this.queue.force(lastFrame);
		}
		this.queue.force(END);
		signal();
	}

	/** Closes the connection at once, dropping what is queued. */
	void abort(CloseReason reason) {
		if (this.abortReason != null) {
			return;
		}
		this.abortReason = reason;
		for (;;) {
			int current = this.state.get();
			if (current == DONE) {
				return;
			}
			if (current == IDLE || current == AWAITING_WRITABLE) {
				if (this.state.compareAndSet(current, RUNNING)) {
					finish(reason);
					return;
				}
			}
			else if (current == CHECKING_READY) {
				// The drainer is inside isReady() and sees abortReason when it returns.
				return;
			}
			else if (this.state.compareAndSet(current, RUNNING_MORE)) {
				return; // the running drainer sees abortReason
			}
		}
	}

	private void signal() {
		if (claim()) {
			this.server.execute(this::drain);
		}
	}

	/**
	 * Tells a drainer there is work: takes the stream from IDLE to RUNNING, in which case
	 * the caller must have {@link #drain()} run, or tells the running drainer to look
	 * again.
	 * @return whether the caller claimed the stream and must schedule its drain
	 */
	private boolean claim() {
		for (;;) {
			int current = this.state.get();
			if (current == IDLE) {
				if (this.state.compareAndSet(IDLE, RUNNING)) {
					return true;
				}
			}
			else if (current == RUNNING) {
				if (this.state.compareAndSet(RUNNING, RUNNING_MORE)) {
					return false;
				}
			}
			else {
				// More work is already signalled, or the transport will call back.
				return false;
			}
		}
	}

	/**
	 * Writes queued frames. Only the owner of the state runs it: the thread that moved it
	 * to RUNNING. Before each isReady() the state becomes CHECKING_READY, so that a false
	 * answer hands the work to the transport's onWritePossible() without a window in
	 * which the callback could be lost, while abort() leaves the connection alone until
	 * isReady() returned. An event that finds the stream idle is flushed on its own and
	 * followed by a pause, so that a client that went away is found at once (see
	 * {@link ResetProbe}).
	 */
	void drain() {
		drain(false);
	}

	/**
	 * Drains as above; {@code resumed} when called back by the transport after a stall,
	 * when the stream was not idle but blocked.
	 */
	private void drain(boolean resumed) {
		SseConnection connection = this.connection;
		if (connection == null) {
			throw new IllegalStateException("stream is not open");
		}
		try {
			for (;;) {
				this.state.set(RUNNING);
				for (;;) {
					CloseReason abort = this.abortReason;
					if (abort != null) {
						finish(abort);
						return;
					}
					if (!this.flushDue && !this.needsFlush && this.preamble.isEmpty() && this.queue.size() == 0) {
						// Nothing to write: no isReady() (it costs the container a write
						// registration); a later frame finds the stream IDLE, or
						// RUNNING_MORE below, and asks then.
						break;
					}
					long pausedUntil = this.resetProbe.pausedUntil();
					if (pausedUntil != 0) {
						// The later drain owns the state, still RUNNING or RUNNING_MORE,
						// and sees an abort() made meanwhile.
						this.server.drainLater(this, pausedUntil);
						return;
					}
					this.state.set(CHECKING_READY);
					if (!connection.isReady()) {
						this.stalled = true;
						if (!this.state.compareAndSet(CHECKING_READY, AWAITING_WRITABLE)) {
							return; // the transport's onWritePossible() took over
						}
						if (this.abortReason != null && this.state.compareAndSet(AWAITING_WRITABLE, RUNNING)) {
							finish(this.abortReason);
						}
						return;
					}
					if (this.stalled) {
						this.stalled = false;
					}
					if (!this.state.compareAndSet(CHECKING_READY, RUNNING)) {
						return; // a concurrent onWritePossible() took over
					}
					if (this.flushDue) {
						flush(connection);
						continue;
					}
					byte[] preamble = this.preamble.poll();
					if (preamble != null) {
						connection.write(preamble);
						this.needsFlush = true;
						continue;
					}
					Frame frame = this.queue.poll();
					if (frame == END) {
						if (this.needsFlush) {
							flush(connection);
						}
						finish(this.endReason);
						return;
					}
					if (frame != null) {
						boolean probe = !resumed && !this.needsFlush && frame.event
								&& ResetProbe.findsIdle(frame.publishedNanos, this.lastWriteNanos);
						connection.write(frame.bytes);
						this.needsFlush = true;
						if (frame.event && this.unflushedEvents.add(frame.publishedNanos)) {
							this.flushDue = true;
						}
						if (probe) {
							this.resetProbe.written();
							this.flushDue = true;
						}
					}
					else if (this.needsFlush) {
						flush(connection);
					}
				}
				if (this.state.compareAndSet(RUNNING, IDLE)) {
					return;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.log(System.Logger.Level.DEBUG, () -> "Write to " + LogText.of(this.sourceId) + " failed: " + ex);
			finish(CloseReason.CLIENT);
		}
	}

	private void flush(SseConnection connection) throws IOException {
		connection.flush();
		this.needsFlush = false;
		this.flushDue = false;
		this.lastWriteNanos = System.nanoTime();
		this.unflushedEvents.flushed();
		this.resetProbe.flushed();
	}

	private void finish(CloseReason reason) {
		this.state.set(DONE);
		this.unflushedEvents.clear();
		this.flushDue = false;
		this.resetProbe.clear();
		this.queue.clear();
		this.preamble.clear();
		SseConnection connection = this.connection;
		if (this.released.compareAndSet(false, true)) {
			// Close before releasing: SseServer.close() returns once every stream is
			// released, and by then every connection must be closed.
			try {
				if (connection != null) {
					connection.close();
				}
			}
			finally {
				this.server.release(this, reason);
			}
		}
	}

	/** The transport's side of this stream. */
	private final class Endpoint implements StreamEndpoint {

		@Override
		public void onWritePossible() {
			SseStream.this.onWritePossible();
		}

		@Override
		public void onDisconnect() {
			abort(CloseReason.CLIENT);
		}

	}

}
