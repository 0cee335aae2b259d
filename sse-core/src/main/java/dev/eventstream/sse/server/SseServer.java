package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * The registry of event-stream sources, keyed by an application id such as a user id: connects
 * clients, sends to one source or broadcasts to all, replays history to reconnecting clients and keeps
 * idle connections alive.
 *
 * <p>Publishing marshals a payload once, assigns the next id, encodes one frame, records it in the
 * {@link EventHistory} and queues it on every matching connection; writing happens on a small pool of
 * writer threads, so a publisher never waits for a client. A connection whose queue overflows is
 * closed, and its client catches up from history when it reconnects. {@link SseServerListener}s
 * observe publishing, queueing, replay and delivery, for metrics.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public final class SseServer<T> implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(SseServer.class.getName());

	private static final int MAX_LAST_EVENT_ID_LENGTH = 256;

	private static final Frame KEEP_ALIVE = Frame.control(SseEncoder.encode(SseEvent.comment("")));

	private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(3);

	// How long a reconnecting client waits for this server to read, from a cluster's log, the event it
	// last received from another server.
	private static final Duration CLUSTER_CATCH_UP = Duration.ofSeconds(2);

	// Long refusals and lifetimes are cut to this, so that deadlines stay comparable as differences of
	// nanoTime.
	private static final Duration MAX_DEADLINE = Duration.ofDays(36500);

	private final ConcurrentHashMap<T, SseSource<T>> sources = new ConcurrentHashMap<>();

	private final AtomicInteger connectionCount = new AtomicInteger();

	private final AtomicLongArray closedByReason = new AtomicLongArray(CloseReason.values().length);

	private final KickRefusals<T> refusals = new KickRefusals<>();

	// Held while an event gets its id, enters history and is queued, and while a connection registers
	// and takes its replay: so every connection sees events in id order, with no gap and no duplicate.
	private final ReentrantLock publishLock = new ReentrantLock();

	private final Object closedMonitor = new Object();

	private final byte @Nullable [] retryFrame;

	private final @Nullable Frame closeFrame;

	private final @Nullable String missedEvent;

	private final int bufferCapacity;

	private final int maxConnections;

	private final int maxConnectionsPerSource;

	private final Duration limitRetryAfter;

	// Zero for no limit.
	private final long maxLifetimeNanos;

	private final EventHistory<T> history;

	private final EventIdGenerator idGenerator;

	private final @Nullable SseCluster<T> cluster;

	// In a cluster: the newest id delivered from the cluster's log, under the publish lock.
	private volatile String deliveredId = EventHistory.ORIGIN;

	private final Function<Object, String> marshaller;

	private final Duration shutdownTimeout;

	private final ExecutorService writers;

	private final int writerThreads;

	private final @Nullable ScheduledExecutorService keepAliveScheduler;

	private final SseServerListener[] listeners;

	private volatile boolean open = true;

	private SseServer(Builder<T> builder) {
		this.retryFrame = (builder.retry != null) ? SseEncoder.encode(retryEvent(builder.retry)) : null;
		this.closeFrame = (builder.closeEvent != null)
				? Frame.control(SseEncoder.encode(SseEvent.of(builder.closeEvent, ""))) : null;
		this.listeners = builder.listeners.toArray(new SseServerListener[0]);
		this.missedEvent = builder.missedEvent;
		this.bufferCapacity = builder.bufferCapacity;
		this.maxConnections = builder.maxConnections;
		this.maxConnectionsPerSource = builder.maxConnectionsPerSource;
		this.limitRetryAfter = (builder.retry != null && !builder.retry.isZero()) ? builder.retry : DEFAULT_RETRY_AFTER;
		this.history = (builder.history != null) ? builder.history : new InMemoryEventHistory<>(1000, null);
		this.idGenerator = (builder.idGenerator != null) ? builder.idGenerator : EventIdGenerator.sequential();
		this.cluster = builder.cluster;
		this.marshaller = builder.marshaller;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.writerThreads = builder.writerThreads;
		this.writers = Executors.newFixedThreadPool(builder.writerThreads, daemonThreads("sse-writer-"));
		this.maxLifetimeNanos = (builder.maxLifetime != null) ? deadlineNanos(builder.maxLifetime) : 0;
		// Keep-alive ticks at half the interval, so a connection is never idle for longer than the
		// interval and a vanished peer, found by the write after the one that drew its reset, is
		// released within two. Lifetimes are checked on the same tick, at least every tenth of one.
		long idleNanos = builder.keepAlive.isZero() ? 0 : Math.max(1, builder.keepAlive.toNanos() / 2);
		long lifetimeTick = (this.maxLifetimeNanos > 0) ? Math.max(1, this.maxLifetimeNanos / 10) : 0;
		long tick = (idleNanos == 0) ? lifetimeTick : (lifetimeTick == 0) ? idleNanos : Math.min(idleNanos, lifetimeTick);
		if (tick == 0) {
			this.keepAliveScheduler = null;
		}
		else {
			this.keepAliveScheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("sse-keep-alive-"));
			this.keepAliveScheduler.scheduleAtFixedRate(() -> tick(idleNanos), tick, tick, TimeUnit.NANOSECONDS);
		}
		if (this.cluster != null) {
			String start = this.cluster.start(this::receive);
			this.publishLock.lock();
			try {
				if (this.cluster.compareIds(start, this.deliveredId) > 0) {
					this.deliveredId = start;
				}
			}
			finally {
				this.publishLock.unlock();
			}
		}
	}

	/**
	 * Returns a builder with the defaults: retry 3s, keep-alive 15s, buffer of 256 frames, at most
	 * 10000 connections of which 16 per source, no maximum lifetime, an in-memory history of 1000
	 * frames and sequential ids.
	 * @param <T> the type of source ids
	 * @return a new builder
	 */
	public static <T> Builder<T> builder() {
		return new Builder<>();
	}

	/**
	 * Creates a connection for a source; a transport then {@linkplain SseStream#open opens} it.
	 * @param sourceId the source id
	 * @param lastEventId the client's {@code Last-Event-ID}, or {@code null} on a first connection; an id
	 * that is too long or holds CR, LF or U+0000 counts as unknown
	 * @return the stream to hand to the transport
	 */
	public SseStream<T> connect(T sourceId, @Nullable String lastEventId) {
		Objects.requireNonNull(sourceId, "'sourceId' must not be null");
		return new SseStream<>(this, sourceId, normalizeLastEventId(lastEventId), this.bufferCapacity);
	}

	/**
	 * Returns the source with the given id.
	 * @param sourceId the source id
	 * @return the source, or empty when it has no open connection
	 */
	public Optional<SseSource<T>> get(T sourceId) {
		return Optional.ofNullable(this.sources.get(sourceId));
	}

	/**
	 * Returns the number of connected sources.
	 * @return the number of sources with at least one open connection
	 */
	public int size() {
		return this.sources.size();
	}

	/**
	 * Returns the number of open connections over all sources.
	 * @return the connection count
	 */
	public int connectionCount() {
		return this.connectionCount.get();
	}

	/**
	 * Returns how many connections were closed for the given reason since the server started.
	 * @param reason the reason
	 * @return the count
	 */
	public long closedConnections(CloseReason reason) {
		return this.closedByReason.get(reason.ordinal());
	}

	/**
	 * Returns the connected sources.
	 * @return a live, unmodifiable view
	 */
	public Collection<SseSource<T>> sources() {
		return Collections.unmodifiableCollection(this.sources.values());
	}

	/**
	 * Tells whether the server accepts connections and events.
	 * @return {@code false} once {@link #close()} was called
	 */
	public boolean isOpen() {
		return this.open;
	}

	/**
	 * Returns a named kind of event whose payloads are marshalled by the server's marshaller.
	 * @param name the event name; empty for {@code message}
	 * @return the event kind
	 */
	public ServerEvent<T> newEvent(String name) {
		return newEvent(name, this.marshaller);
	}

	/**
	 * Returns a named kind of event with its own marshaller.
	 * @param name the event name; empty for {@code message}
	 * @param marshaller turns a payload into the event's data
	 * @return the event kind
	 */
	public ServerEvent<T> newEvent(String name, Function<Object, String> marshaller) {
		return new ServerEvent<>(this, name, marshaller);
	}

	/**
	 * Sends an event to every connected source. The server assigns its id.
	 * @param event the event, without an id
	 * @return the id assigned
	 */
	public String broadcast(SseEvent event) {
		return publish(null, event).orElseThrow();
	}

	/**
	 * Sends an event to every connection of one source. The server assigns its id.
	 * @param sourceId the source id
	 * @param event the event, without an id
	 * @return the id assigned, or empty when the source has no open connection (nothing is recorded)
	 */
	public Optional<String> send(T sourceId, SseEvent event) {
		Objects.requireNonNull(sourceId, "'sourceId' must not be null");
		return publish(sourceId, event);
	}

	/**
	 * Closes every connection of a source like {@link SseSource#close()} (the close event, then the end
	 * of each stream, counted as {@link CloseReason#SERVER}) and refuses its new connections for the
	 * given time with {@link ConnectionRefusedException.Reason#KICKED}, which a transport answers with
	 * {@code 204 No Content} so that an {@code EventSource} stops reconnecting. Works whether or not the
	 * source is connected; a later kick replaces the refusal.
	 * @param sourceId the source id
	 * @param refuseFor how long new connections of the source are refused; zero refuses none
	 */
	public void kick(T sourceId, Duration refuseFor) {
		Objects.requireNonNull(sourceId, "'sourceId' must not be null");
		if (refuseFor.isNegative()) {
			throw new IllegalArgumentException("'refuseFor' must not be negative");
		}
		// Under the lock that registration holds: no connection of the source can slip in between the
		// refusal and the end of its streams.
		this.publishLock.lock();
		try {
			if (!refuseFor.isZero()) {
				this.refusals.refuse(sourceId, System.nanoTime(), deadlineNanos(refuseFor));
			}
			SseSource<T> source = this.sources.get(sourceId);
			if (source != null) {
				closeSource(source, CloseReason.SERVER);
			}
		}
		finally {
			this.publishLock.unlock();
		}
	}

	/**
	 * Stops accepting connections and events, then ends every stream after the frames already queued,
	 * waiting up to the shutdown timeout before dropping the connections that are left. Clients
	 * reconnect with their {@code Last-Event-ID}, to this server once it is back or to another one.
	 */
	@Override
	public void close() {
		this.publishLock.lock();
		try {
			if (!this.open) {
				return;
			}
			this.open = false;
			for (SseSource<T> source : this.sources.values()) {
				source.end(CloseReason.SHUTDOWN, null);
			}
		}
		finally {
			this.publishLock.unlock();
		}
		if (this.keepAliveScheduler != null) {
			this.keepAliveScheduler.shutdownNow();
		}
		awaitNoConnections(this.shutdownTimeout);
		for (SseSource<T> source : this.sources.values()) {
			for (SseStream<T> stream : source.streams()) {
				stream.abort(CloseReason.SHUTDOWN);
			}
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
		this.writers.shutdown();
	}

	/**
	 * Tells whether the server publishes through a cluster, and whether that cluster can be reached.
	 * @return empty for a single server, else whether its cluster is available
	 */
	public Optional<Boolean> clusterAvailable() {
		return (this.cluster != null) ? Optional.of(this.cluster.isAvailable()) : Optional.empty();
	}

	Optional<String> publish(@Nullable T target, SseEvent event) {
		if (event.id() != null) {
			throw new IllegalArgumentException("'id' is assigned by the server and must be null");
		}
		if (this.cluster != null) {
			return publishToCluster(this.cluster, target, event);
		}
		String id;
		List<SseStream<?>> woken = new ArrayList<>();
		this.publishLock.lock();
		try {
			requireOpen();
			if (target != null && !this.sources.containsKey(target)) {
				return Optional.empty();
			}
			id = this.idGenerator.nextId();
			byte[] bytes = SseEncoder.encode(event.withId(id));
			this.history.append(id, target, bytes);
			fanOut(id, target, Frame.event(bytes, System.nanoTime()), woken);
		}
		finally {
			this.publishLock.unlock();
		}
		drain(woken);
		published(event.event());
		return Optional.of(id);
	}

	/**
	 * Appends the event to the cluster's log, not under the publish lock: the log orders events, and
	 * every server, this one included, delivers them when it reads them back.
	 */
	private Optional<String> publishToCluster(SseCluster<T> cluster, @Nullable T target, SseEvent event) {
		requireOpen();
		if (target != null && !this.sources.containsKey(target) && !cluster.isConnected(target)) {
			return Optional.empty();
		}
		String id = cluster.append(target, UnnumberedFrame.of(event));
		published(event.event());
		return Optional.of(id);
	}

	/** Delivers an event of the cluster's log to this server's connections. */
	private void receive(String id, @Nullable T target, byte[] bytes, long publishedMillis) {
		// Publishing time on this clock, for the delivery latency: the log's clock is the wall clock.
		long age = Math.max(0, System.currentTimeMillis() - publishedMillis);
		Frame frame = Frame.event(bytes, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(age));
		List<SseStream<?>> woken = new ArrayList<>();
		this.publishLock.lock();
		try {
			this.deliveredId = id;
			fanOut(id, target, frame, woken);
		}
		finally {
			this.publishLock.unlock();
		}
		drain(woken);
	}

	/**
	 * Queues a frame on the connections of one source, if it is connected, or of every source; called
	 * under the publish lock. The streams that need a writer are added to {@code woken}, for
	 * {@link #drain(List)} once the lock is released.
	 */
	private void fanOut(String id, @Nullable T target, Frame frame, List<SseStream<?>> woken) {
		if (target == null) {
			for (SseSource<T> each : this.sources.values()) {
				each.lastEventId(id);
				each.deliver(frame, woken);
			}
			return;
		}
		SseSource<T> source = this.sources.get(target);
		if (source != null) {
			source.lastEventId(id);
			source.deliver(frame, woken);
		}
	}

	/**
	 * Has the writers drain the streams one publish woke: one task per writer thread, each with its
	 * share of the streams, rather than a task and a thread wake-up per stream, which made publishing
	 * to ten thousand streams spend most of its time waking writers.
	 */
	private void drain(List<SseStream<?>> woken) {
		int count = woken.size();
		int tasks = Math.min(this.writerThreads, count);
		for (int task = 0; task < tasks; task++) {
			List<SseStream<?>> share = woken.subList(count * task / tasks, count * (task + 1) / tasks);
			this.writers.execute(() -> {
				for (SseStream<?> stream : share) {
					try {
						stream.drain();
					}
					catch (RuntimeException ex) {
						// One broken stream must not keep the others of the share from their frames.
						logger.log(System.Logger.Level.WARNING, "Drain of " + LogText.of(stream.sourceId()) + " failed", ex);
					}
				}
			});
		}
	}

	/** Sends an event whose data is computed per source, once per source. */
	String publishEach(@Nullable String name, Function<SseSource<T>, String> dataFor) {
		if (this.cluster != null) {
			throw new UnsupportedOperationException("Payloads computed per source are not supported in a cluster: "
					+ "the sources are spread over its servers; send to each source with sendTo instead");
		}
		Map<T, String> data = new LinkedHashMap<>();
		List<Object> failed = new ArrayList<>();
		List<RuntimeException> causes = new ArrayList<>();
		for (SseSource<T> source : this.sources.values()) {
			try {
				data.put(source.id(), dataFor.apply(source));
			}
			catch (RuntimeException ex) {
				failed.add(source.id());
				causes.add(ex);
			}
		}
		String id;
		List<SseStream<?>> woken = new ArrayList<>();
		this.publishLock.lock();
		try {
			requireOpen();
			id = this.idGenerator.nextId();
			long now = System.nanoTime();
			for (Map.Entry<T, String> entry : data.entrySet()) {
				byte[] bytes = SseEncoder.encode(new SseEvent(id, name, entry.getValue(), null, null));
				this.history.append(id, entry.getKey(), bytes);
				// Looked up again by id: the source may have reconnected as a new SseSource since its
				// payload was computed, and its new connections must get the frame.
				fanOut(id, entry.getKey(), Frame.event(bytes, now), woken);
			}
		}
		finally {
			this.publishLock.unlock();
		}
		drain(woken);
		published(name);
		if (!failed.isEmpty()) {
			throw new MarshallingException(id, failed, causes);
		}
		return id;
	}

	void register(SseStream<T> stream) {
		int replayed = 0;
		if (this.cluster != null && stream.lastEventId() != null) {
			awaitDelivered(this.cluster, stream.lastEventId());
		}
		this.publishLock.lock();
		try {
			requireOpen();
			T id = stream.sourceId();
			refuseIfLimited(id);
			String lastEventId = stream.lastEventId();
			List<byte[]> preamble = new ArrayList<>();
			if (this.retryFrame != null) {
				preamble.add(this.retryFrame);
			}
			if (lastEventId != null) {
				EventHistory.Replay replay = replay(lastEventId, id);
				if (!replay.complete() && this.missedEvent != null) {
					String oldest = (replay.oldestId() != null) ? replay.oldestId() : "";
					preamble.add(SseEncoder.encode(SseEvent.of(this.missedEvent, oldest)));
				}
				preamble.addAll(replay.frames());
				replayed = replay.frames().size();
			}
			// Priming: the client records the newest id without dispatching anything, so it resumes from
			// here even if it disconnects before its first event.
			String newestId = (this.cluster != null) ? this.deliveredId : this.history.newestId();
			preamble.add(SseEncoder.encode(new SseEvent(newestId, null, null, null, null)));
			stream.queuePreamble(preamble);
			if (this.maxLifetimeNanos > 0) {
				// Each stream gets 90 to 100% of the lifetime, so clients that connected together do not
				// all reconnect at the same moment.
				double factor = ThreadLocalRandom.current().nextDouble(0.9, 1.0);
				stream.expiresAt(System.nanoTime() + (long) (this.maxLifetimeNanos * factor));
			}
			boolean[] added = new boolean[1];
			boolean[] created = new boolean[1];
			this.sources.compute(id, (key, source) -> {
				// Checked inside the compute, which release() serializes with: a stream released before
				// it registers must not stay registered.
				if (!stream.isOpen()) {
					return source;
				}
				SseSource<T> target = (source != null) ? source : new SseSource<>(this, key);
				if (source == null || lastEventId != null) {
					target.lastEventId(lastEventId);
				}
				target.add(stream);
				this.connectionCount.incrementAndGet();
				added[0] = true;
				created[0] = (source == null);
				return target;
			});
			if (!added[0]) {
				throw new IllegalStateException("stream is closed");
			}
			if (created[0] && this.cluster != null) {
				this.cluster.connected(id);
			}
		}
		finally {
			this.publishLock.unlock();
		}
		if (replayed > 0) {
			replayed(replayed);
		}
		logger.log(System.Logger.Level.DEBUG, () -> "Connected " + LogText.of(stream.sourceId()) + " (Last-Event-ID "
				+ LogText.of(stream.lastEventId()) + ")");
	}

	/**
	 * Waits, for a short while, until this server delivered the event a client reconnects with: it may
	 * have received it from a server that read the log sooner. Then the replay up to the newest id this
	 * server delivered covers everything up to the client's id, and nothing is sent twice.
	 */
	private void awaitDelivered(SseCluster<T> cluster, String lastEventId) {
		long deadline = System.nanoTime() + CLUSTER_CATCH_UP.toNanos();
		while (cluster.compareIds(lastEventId, this.deliveredId) > 0 && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	/**
	 * Returns what a reconnecting source missed: from history, or from the cluster's log up to the
	 * newest event this server delivered (later ones reach the stream live). When the log cannot be
	 * reached the client is told it missed events rather than refused, since a browser does not retry
	 * a refused {@code EventSource}.
	 */
	private EventHistory.Replay replay(String lastEventId, T sourceId) {
		if (this.cluster == null) {
			return this.history.replay(lastEventId, sourceId);
		}
		try {
			return this.cluster.replay(lastEventId, this.deliveredId, sourceId);
		}
		catch (ClusterUnavailableException ex) {
			logger.log(System.Logger.Level.WARNING, "Cannot replay to " + LogText.of(sourceId) + ": " + ex.getMessage());
			return new EventHistory.Replay(false, List.of(), null);
		}
	}

	/**
	 * Throws when a new connection of the source must be refused. Called under the publish lock, which
	 * every registration holds: counts only grow under it, so a limit is never exceeded.
	 */
	private void refuseIfLimited(T id) {
		long refused = this.refusals.remainingNanos(id, System.nanoTime());
		if (refused > 0) {
			throw new ConnectionRefusedException(ConnectionRefusedException.Reason.KICKED, Duration.ofNanos(refused),
					"Source was kicked; its connections are refused for " + Duration.ofNanos(refused));
		}
		SseSource<T> source = this.sources.get(id);
		if (source != null && source.connectionCount() >= this.maxConnectionsPerSource) {
			throw new ConnectionRefusedException(ConnectionRefusedException.Reason.MAX_CONNECTIONS_PER_SOURCE,
					this.limitRetryAfter, "Source has " + this.maxConnectionsPerSource + " connections, the most allowed");
		}
		if (this.connectionCount.get() >= this.maxConnections) {
			throw new ConnectionRefusedException(ConnectionRefusedException.Reason.MAX_CONNECTIONS, this.limitRetryAfter,
					"Server has " + this.maxConnections + " connections, the most allowed");
		}
	}

	/** Returns how many sources are held as refused, expired refusals not purged yet included. */
	int refusedSources() {
		return this.refusals.size();
	}

	void release(SseStream<T> stream, CloseReason reason) {
		boolean[] removed = new boolean[1];
		boolean[] gone = new boolean[1];
		this.sources.computeIfPresent(stream.sourceId(), (key, source) -> {
			removed[0] = source.remove(stream);
			gone[0] = source.connectionCount() == 0;
			return gone[0] ? null : source;
		});
		if (!removed[0]) {
			return; // never registered: closed before or while it was opened
		}
		if (gone[0] && this.cluster != null) {
			this.cluster.disconnected(stream.sourceId());
		}
		this.closedByReason.incrementAndGet(reason.ordinal());
		if (this.connectionCount.decrementAndGet() == 0) {
			synchronized (this.closedMonitor) {
				this.closedMonitor.notifyAll();
			}
		}
		logger.log(System.Logger.Level.DEBUG, () -> "Closed " + LogText.of(stream.sourceId()) + ": " + reason);
	}

	void closeSource(SseSource<T> source, CloseReason reason) {
		source.end(reason, this.closeFrame);
	}

	void execute(Runnable drain) {
		this.writers.execute(drain);
	}

	/** Tells whether any listener observes delivery, so that streams need to track their writes. */
	boolean hasListeners() {
		return this.listeners.length > 0;
	}

	void published(@Nullable String event) {
		for (SseServerListener listener : this.listeners) {
			try {
				listener.onPublished(event);
			}
			catch (RuntimeException ex) {
				listenerFailed(listener, ex);
			}
		}
	}

	void queued(int depth) {
		for (SseServerListener listener : this.listeners) {
			try {
				listener.onQueued(depth);
			}
			catch (RuntimeException ex) {
				listenerFailed(listener, ex);
			}
		}
	}

	void replayed(int frames) {
		for (SseServerListener listener : this.listeners) {
			try {
				listener.onReplayed(frames);
			}
			catch (RuntimeException ex) {
				listenerFailed(listener, ex);
			}
		}
	}

	void delivered(long publishedNanos) {
		for (SseServerListener listener : this.listeners) {
			try {
				listener.onDelivered(publishedNanos);
			}
			catch (RuntimeException ex) {
				listenerFailed(listener, ex);
			}
		}
	}

	private static void listenerFailed(SseServerListener listener, RuntimeException ex) {
		logger.log(System.Logger.Level.WARNING, "Listener " + listener + " failed", ex);
	}

	/** Writes keep-alives to idle connections, ends connections past their lifetime, forgets expired refusals. */
	private void tick(long idleNanos) {
		long now = System.nanoTime();
		this.refusals.purge(now);
		List<SseStream<?>> woken = new ArrayList<>();
		for (SseSource<T> source : this.sources.values()) {
			for (SseStream<T> stream : source.streams()) {
				try {
					if (!stream.expireIfDue(now) && idleNanos > 0) {
						stream.keepAliveIfIdle(now, idleNanos, KEEP_ALIVE, woken);
					}
				}
				catch (RuntimeException ex) {
					// A periodic task that throws is never run again: one bad connection must not end them all.
					logger.log(System.Logger.Level.WARNING, "Keep-alive of " + LogText.of(stream.sourceId()) + " failed", ex);
				}
			}
		}
		drain(woken);
	}

	private void awaitNoConnections(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.closedMonitor) {
			while (this.connectionCount.get() > 0) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.closedMonitor, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private void requireOpen() {
		if (!this.open) {
			throw new ServerClosedException();
		}
	}

	private static long deadlineNanos(Duration duration) {
		return (duration.compareTo(MAX_DEADLINE) < 0) ? duration.toNanos() : MAX_DEADLINE.toNanos();
	}

	static @Nullable String normalizeLastEventId(@Nullable String lastEventId) {
		if (lastEventId == null || lastEventId.isEmpty()) {
			return null;
		}
		boolean wellFormed = lastEventId.length() <= MAX_LAST_EVENT_ID_LENGTH && lastEventId.indexOf('\r') < 0
				&& lastEventId.indexOf('\n') < 0 && lastEventId.indexOf('\0') < 0;
		// The empty string is never an event id, so a malformed one is simply unknown to history.
		return wellFormed ? lastEventId : "";
	}

	private static SseEvent retryEvent(Duration retry) {
		return SseEvent.builder().retry(retry).build();
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Builds an {@link SseServer}.
	 *
	 * @param <T> the type of source ids
	 * @since 0.1.0
	 */
	public static final class Builder<T> {

		private @Nullable Duration retry = Duration.ofSeconds(3);

		private Duration keepAlive = Duration.ofSeconds(15);

		private int bufferCapacity = 256;

		private int maxConnections = 10000;

		private int maxConnectionsPerSource = 16;

		private @Nullable Duration maxLifetime;

		private @Nullable EventHistory<T> history;

		private @Nullable EventIdGenerator idGenerator;

		private @Nullable SseCluster<T> cluster;

		private Function<Object, String> marshaller = String::valueOf;

		private @Nullable String closeEvent = "close";

		private @Nullable String missedEvent = "missed";

		private int writerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());

		private Duration shutdownTimeout = Duration.ofSeconds(5);

		private final List<SseServerListener> listeners = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Sets the reconnection time sent as the first field of every stream.
		 * @param retry the time, or {@code null} to send none
		 * @return this builder
		 */
		public Builder<T> retry(@Nullable Duration retry) {
			if (retry != null && retry.isNegative()) {
				throw new IllegalArgumentException("'retry' must not be negative");
			}
			this.retry = retry;
			return this;
		}

		/**
		 * Sets how long a connection may stay idle before it receives a comment.
		 * @param keepAlive the interval; zero disables keep-alive
		 * @return this builder
		 */
		public Builder<T> keepAlive(Duration keepAlive) {
			if (keepAlive.isNegative()) {
				throw new IllegalArgumentException("'keepAlive' must not be negative");
			}
			this.keepAlive = keepAlive;
			return this;
		}

		/**
		 * Sets how many frames may wait for one connection before it is closed as too slow.
		 * @param bufferCapacity the capacity in frames
		 * @return this builder
		 */
		public Builder<T> bufferCapacity(int bufferCapacity) {
			if (bufferCapacity < 1) {
				throw new IllegalArgumentException("'bufferCapacity' must be at least 1");
			}
			this.bufferCapacity = bufferCapacity;
			return this;
		}

		/**
		 * Sets how many connections the server holds over all sources; past it a new connection is
		 * refused with {@link ConnectionRefusedException.Reason#MAX_CONNECTIONS}.
		 * @param maxConnections the limit
		 * @return this builder
		 */
		public Builder<T> maxConnections(int maxConnections) {
			if (maxConnections < 1) {
				throw new IllegalArgumentException("'maxConnections' must be at least 1");
			}
			this.maxConnections = maxConnections;
			return this;
		}

		/**
		 * Sets how many connections one source may hold; past it a new connection of the source is
		 * refused with {@link ConnectionRefusedException.Reason#MAX_CONNECTIONS_PER_SOURCE}.
		 * @param maxConnectionsPerSource the limit
		 * @return this builder
		 */
		public Builder<T> maxConnectionsPerSource(int maxConnectionsPerSource) {
			if (maxConnectionsPerSource < 1) {
				throw new IllegalArgumentException("'maxConnectionsPerSource' must be at least 1");
			}
			this.maxConnectionsPerSource = maxConnectionsPerSource;
			return this;
		}

		/**
		 * Sets how long a connection may stay open. Each connection gets between 90% and 100% of it, at
		 * random, so that clients that connected together reconnect spread out; then it ends cleanly
		 * after the frames already queued, without a close event, counted as
		 * {@link CloseReason#LIFETIME}, and its client reconnects with its {@code Last-Event-ID} and
		 * catches up from history. Checked on the keep-alive tick (at least every tenth of the
		 * lifetime), with no task per connection.
		 * @param maxLifetime the lifetime, or {@code null} for no limit
		 * @return this builder
		 */
		public Builder<T> maxLifetime(@Nullable Duration maxLifetime) {
			if (maxLifetime != null && (maxLifetime.isNegative() || maxLifetime.isZero())) {
				throw new IllegalArgumentException("'maxLifetime' must be positive");
			}
			this.maxLifetime = maxLifetime;
			return this;
		}

		/**
		 * Sets the history replayed to reconnecting clients.
		 * @param history the history
		 * @return this builder
		 */
		public Builder<T> history(EventHistory<T> history) {
			this.history = Objects.requireNonNull(history, "'history' must not be null");
			return this;
		}

		/**
		 * Sets the strategy that assigns event ids.
		 * @param idGenerator the generator
		 * @return this builder
		 */
		public Builder<T> idGenerator(EventIdGenerator idGenerator) {
			this.idGenerator = Objects.requireNonNull(idGenerator, "'idGenerator' must not be null");
			return this;
		}

		/**
		 * Makes the server one of a cluster: events are published to the cluster's shared log, which
		 * assigns their ids and from which every server of the cluster delivers them and replays them,
		 * instead of the server's own {@linkplain #history history} and {@linkplain #idGenerator ids}.
		 * Payloads computed per source ({@link ServerEvent#send(java.util.function.BiFunction)}) are not
		 * supported in a cluster, and {@link SseServer#kick} and {@link SseSource#close()} act on this
		 * server's connections only.
		 * @param cluster the cluster, or {@code null} for a single server
		 * @return this builder
		 */
		public Builder<T> cluster(@Nullable SseCluster<T> cluster) {
			this.cluster = cluster;
			return this;
		}

		/**
		 * Sets the marshaller that {@link SseServer#newEvent(String)} uses.
		 * @param marshaller turns a payload into event data
		 * @return this builder
		 */
		public Builder<T> marshaller(Function<Object, String> marshaller) {
			this.marshaller = Objects.requireNonNull(marshaller, "'marshaller' must not be null");
			return this;
		}

		/**
		 * Sets the name of the event {@link SseSource#close()} sends before it closes the connections.
		 * @param closeEvent the event name, or {@code null} to send none
		 * @return this builder
		 */
		public Builder<T> closeEvent(@Nullable String closeEvent) {
			this.closeEvent = closeEvent;
			return this;
		}

		/**
		 * Sets the name of the event sent to a client whose {@code Last-Event-ID} history no longer
		 * covers, with the oldest id held as its data, before what history holds.
		 * @param missedEvent the event name, or {@code null} to send none
		 * @return this builder
		 */
		public Builder<T> missedEvent(@Nullable String missedEvent) {
			this.missedEvent = missedEvent;
			return this;
		}

		/**
		 * Sets the number of threads that write to connections.
		 * @param writerThreads the thread count
		 * @return this builder
		 */
		public Builder<T> writerThreads(int writerThreads) {
			if (writerThreads < 1) {
				throw new IllegalArgumentException("'writerThreads' must be at least 1");
			}
			this.writerThreads = writerThreads;
			return this;
		}

		/**
		 * Sets how long {@link SseServer#close()} waits for streams to flush before dropping them.
		 * @param shutdownTimeout the timeout
		 * @return this builder
		 */
		public Builder<T> shutdownTimeout(Duration shutdownTimeout) {
			if (shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException("'shutdownTimeout' must not be negative");
			}
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * Adds a listener that observes publishing and delivery, for metrics. Listeners are called in
		 * the order they were added.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder<T> listener(SseServerListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
			return this;
		}

		/**
		 * Builds and starts the server, with its writer threads and keep-alive scheduler.
		 * @return the server
		 */
		public SseServer<T> build() {
			return new SseServer<>(this);
		}

	}

}
