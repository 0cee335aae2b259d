package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * The registry of event-stream sources, keyed by an application id such as a user id:
 * connects clients, sends to one source, to the subscribers of a topic or to everyone,
 * replays history to reconnecting clients, tells who is present in a topic and keeps idle
 * connections alive.
 *
 * <p>
 * Publishing marshals a payload once, and the event log assigns the next id, encodes one
 * frame, records it for replay and queues it on every matching connection; writing
 * happens on a small pool of writer threads, so a publisher never waits for a client. A
 * connection whose queue overflows is closed, and its client catches up from history when
 * it reconnects. {@link SseServerListener}s observe publishing, queueing, replay and
 * delivery, for metrics.
 *
 * <p>
 * The server is built stopped: {@link #start()} starts its threads (and its cluster),
 * {@link #stop()} ends every stream and refuses new ones until it is started again, and
 * {@link #close()} stops it for good.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public final class SseServer<T> implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(SseServer.class.getName());

	private static final int MAX_LAST_EVENT_ID_LENGTH = 256;

	private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(3);

	// The presence grace when none is set: the retry time and this, so a client that
	// reconnects after its retry time is still within it.
	private static final Duration GRACE_BEYOND_RETRY = Duration.ofSeconds(2);

	// Long refusals and lifetimes are cut to this, so that deadlines stay comparable as
	// differences of nanoTime.
	private static final Duration MAX_DEADLINE = Duration.ofDays(36500);

	private final AtomicLongArray closedByReason = new AtomicLongArray(CloseReason.values().length);

	// Held while an event gets its id, enters history and is queued, and while a
	// connection registers and takes the newest id as the end of its replay: so every
	// connection sees events in id order, with no gap and no duplicate.
	private final ReentrantLock publishLock = new ReentrantLock();

	private final Object lifecycleMonitor = new Object();

	private final Object closedMonitor = new Object();

	private final byte @Nullable [] retryFrame;

	private final @Nullable Frame closeFrame;

	private final @Nullable String missedEvent;

	private final @Nullable String presenceEvent;

	private final int bufferCapacity;

	private final int maxTopicsPerConnection;

	// Zero for no limit.
	private final long maxLifetimeNanos;

	private final Registry<T> registry;

	private final Admission<T> admission;

	private final EventLog<T> log;

	private final WriterPool writers;

	private final Ticker<T> ticker;

	private final Handshake<T> handshake;

	private final Listeners listeners;

	private final Function<Object, String> marshaller;

	private final Duration shutdownTimeout;

	private volatile boolean running;

	private boolean started;

	private boolean closed;

	private SseServer(Builder<T> builder) {
		this.retryFrame = (builder.retry != null) ? SseEncoder.encode(SseEvent.builder().retry(builder.retry).build())
				: null;
		this.closeFrame = (builder.closeEvent != null)
				? Frame.control(SseEncoder.encode(SseEvent.of(builder.closeEvent, ""))) : null;
		this.missedEvent = builder.missedEvent;
		this.presenceEvent = builder.presenceEvent;
		this.bufferCapacity = builder.bufferCapacity;
		this.maxTopicsPerConnection = builder.maxTopicsPerConnection;
		this.marshaller = builder.marshaller;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.listeners = new Listeners(builder.listeners);
		this.maxLifetimeNanos = (builder.maxLifetime != null) ? deadlineNanos(builder.maxLifetime) : 0;
		Duration grace = (builder.presenceGrace != null) ? builder.presenceGrace
				: ((builder.retry != null) ? builder.retry : Duration.ZERO).plus(GRACE_BEYOND_RETRY);
		// Through the log, assigned below: a cluster hears of sources and topic members
		// coming and going.
		this.registry = new Registry<>(deadlineNanos(grace), new Registry.Presence<>() {

			@Override
			public void sourcePresent(T sourceId, boolean present) {
				SseServer.this.log.sourcePresent(sourceId, present);
			}

			@Override
			public void topicPresent(T sourceId, String topic, boolean present) {
				SseServer.this.log.topicPresent(sourceId, topic, present);
			}

		});
		Duration retryAfter = (builder.retry != null && !builder.retry.isZero()) ? builder.retry : DEFAULT_RETRY_AFTER;
		this.admission = new Admission<>(builder.maxConnections, builder.maxConnectionsPerSource, retryAfter,
				builder.topicAuthorizer);
		this.writers = new WriterPool(builder.writerThreads);
		if (builder.cluster != null) {
			this.log = new ClusterEventLog<>(this.publishLock, this.registry, this.writers, builder.cluster);
		}
		else {
			EventHistory<T> history = (builder.history != null) ? builder.history
					: new InMemoryEventHistory<>(1000, null);
			EventIdGenerator ids = (builder.idGenerator != null) ? builder.idGenerator : EventIdGenerator.sequential();
			this.log = new LocalEventLog<>(this.publishLock, this.registry, this.writers, history, ids);
		}
		this.handshake = new Handshake<>(this.retryFrame, this.missedEvent, this.maxLifetimeNanos, this.log);
		long lifetimeTick = (this.maxLifetimeNanos > 0) ? Math.max(1, this.maxLifetimeNanos / 20) : 0;
		this.ticker = new Ticker<>(this.registry, this.admission, this.writers, builder.keepAlive.toNanos(),
				lifetimeTick, deadlineNanos(grace), new GraceEnded());
	}

	/**
	 * Returns a builder with the defaults: retry 3s, keep-alive 15s, buffer of 256
	 * frames, at most 10000 connections of which 16 per source, at most 32 topics per
	 * connection, no maximum lifetime, a presence grace of the retry time plus 2s, an
	 * in-memory history of 1000 frames and sequential ids.
	 * @param <T> the type of source ids
	 * @return a new builder
	 */
	public static <T> Builder<T> builder() {
		return new Builder<>();
	}

	/**
	 * Starts the writer threads and the keep-alive clock, and the cluster the first time;
	 * from then on the server accepts connections and events. Does nothing when it is
	 * running.
	 * @throws ServerClosedException if the server was closed
	 */
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.closed) {
				throw new ServerClosedException();
			}
			if (this.running) {
				return;
			}
			this.writers.start();
			this.ticker.start();
			if (!this.started) {
				this.log.start();
				this.started = true;
			}
			this.running = true;
		}
	}

	/**
	 * Stops accepting connections and events, then ends every stream after the frames
	 * already queued, waiting up to the shutdown timeout before dropping the connections
	 * that are left, and stops the server's threads. Clients reconnect with their
	 * {@code Last-Event-ID}, to this server once it is started again or to another one.
	 * Does nothing when it is not running.
	 */
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			this.publishLock.lock();
			try {
				if (!this.running) {
					return;
				}
				this.running = false;
				for (SseSource<T> source : this.registry.sources()) {
					source.end(CloseReason.SHUTDOWN, null);
				}
			}
			finally {
				this.publishLock.unlock();
			}
			this.ticker.stop();
			awaitNoConnections(this.shutdownTimeout);
			for (SseSource<T> source : this.registry.sources()) {
				for (SseStream<T> stream : source.streams()) {
					stream.abort(CloseReason.SHUTDOWN);
				}
			}
			this.writers.stop();
		}
	}

	/**
	 * Stops the server like {@link #stop()}, for good: it cannot be started again, and
	 * its cluster is closed.
	 */
	@Override
	public void close() {
		synchronized (this.lifecycleMonitor) {
			if (this.closed) {
				return;
			}
			stop();
			this.closed = true;
			if (this.started) {
				this.log.close();
			}
		}
	}

	/**
	 * Tells whether the server accepts connections and events.
	 * @return {@code true} between {@link #start()} and {@link #stop()}
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Creates a connection for a source; a transport then {@linkplain SseStream#open
	 * opens} it.
	 * @param sourceId the source id
	 * @param lastEventId the client's {@code Last-Event-ID}, or {@code null} on a first
	 * connection (the transport may then supply one from the request); an id that is too
	 * long or holds CR, LF or U+0000 counts as unknown
	 * @return the stream to hand to the transport
	 */
	public SseStream<T> connect(T sourceId, @Nullable String lastEventId) {
		return connect(sourceId, lastEventId, Set.of());
	}

	/**
	 * Creates a connection for a source that also follows topics: it receives broadcasts,
	 * the source's events and the events published to any of the topics, each once and in
	 * publish order.
	 * @param sourceId the source id
	 * @param lastEventId the client's {@code Last-Event-ID}, as for
	 * {@link #connect(Object, String)}
	 * @param topics the topics; each a non-blank name of at most 200 characters without
	 * control characters, at most the server's maximum number of topics per connection
	 * @return the stream to hand to the transport
	 * @throws IllegalArgumentException naming the rule a topic or the number of topics
	 * breaks
	 * @since 0.2.0
	 */
	public SseStream<T> connect(T sourceId, @Nullable String lastEventId, Collection<String> topics) {
		Objects.requireNonNull(sourceId, "'sourceId' must not be null");
		return new SseStream<>(this, sourceId, normalizeLastEventId(lastEventId),
				Topics.of(topics, this.maxTopicsPerConnection), this.bufferCapacity);
	}

	/**
	 * Returns the source with the given id.
	 * @param sourceId the source id
	 * @return the source, or empty when it has no open connection
	 */
	public Optional<SseSource<T>> get(T sourceId) {
		return Optional.ofNullable(this.registry.get(sourceId));
	}

	/**
	 * Returns the number of connected sources.
	 * @return the number of sources with at least one open connection
	 */
	public int size() {
		return this.registry.size();
	}

	/**
	 * Returns the number of open connections over all sources.
	 * @return the connection count
	 */
	public int connectionCount() {
		return this.registry.connectionCount();
	}

	/**
	 * Returns how many connections were closed for the given reason since the server was
	 * built.
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
		return this.registry.sources();
	}

	/**
	 * Returns the sources with at least one open connection subscribed to the topic, on
	 * every server of a cluster. A connection counts from the moment its stream
	 * registered until the server noticed that it closed.
	 * @param topic the topic
	 * @return the source ids
	 * @throws ClusterUnavailableException when clustered and the cluster cannot be
	 * reached
	 * @since 0.2.0
	 */
	public Set<T> presence(String topic) {
		Topics.requireValid(topic);
		return this.log.presence(topic, this.registry.presence(topic));
	}

	/**
	 * Returns the topics with at least one open connection on this server, with how many.
	 * @return the connection count of each topic, by topic name
	 * @since 0.2.0
	 */
	public Map<String, Integer> topicConnections() {
		return this.registry.topicConnections();
	}

	/**
	 * Returns a named kind of event whose payloads are marshalled by the server's
	 * marshaller.
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
	 * Sends an event to every connection. The server assigns its id.
	 * @param event the event, without an id
	 * @return the id assigned
	 * @throws ServerClosedException if the server is not running
	 */
	public String broadcast(SseEvent event) {
		return publish(Audience.everyone(), event).orElseThrow();
	}

	/**
	 * Sends an event to every connection of one source. The server assigns its id. A
	 * source that lost its last connection less than the presence grace ago still counts:
	 * its client is probably reconnecting, and receives the event from history when it is
	 * back.
	 * @param sourceId the source id
	 * @param event the event, without an id
	 * @return the id assigned, or empty when the source has no open connection and its
	 * grace is over (nothing is recorded)
	 * @throws ServerClosedException if the server is not running
	 */
	public Optional<String> send(T sourceId, SseEvent event) {
		return publish(Audience.source(sourceId), event);
	}

	/**
	 * Sends an event to every connection subscribed to a topic, on every server of a
	 * cluster. The server assigns its id and keeps the event for replay, also when nobody
	 * is subscribed.
	 * @param topic the topic
	 * @param event the event, without an id
	 * @return the id assigned
	 * @throws IllegalArgumentException if the topic is not a valid name
	 * @throws ServerClosedException if the server is not running
	 * @since 0.2.0
	 */
	public String sendToTopic(String topic, SseEvent event) {
		return publish(Audience.topic(topic), event).orElseThrow();
	}

	/**
	 * Closes every connection of a source like {@link SseSource#close()} (the close
	 * event, then the end of each stream, counted as {@link CloseReason#SERVER}) and
	 * refuses its new connections for the given time with
	 * {@link ConnectionRefusedException.Reason#KICKED}, which a transport answers with
	 * {@code 204 No Content} so that an {@code EventSource} stops reconnecting. Works
	 * whether or not the source is connected; a later kick replaces the refusal.
	 * @param sourceId the source id
	 * @param refuseFor how long new connections of the source are refused; zero refuses
	 * none
	 */
	public void kick(T sourceId, Duration refuseFor) {
		Objects.requireNonNull(sourceId, "'sourceId' must not be null");
		if (refuseFor.isNegative()) {
			throw new IllegalArgumentException("'refuseFor' must not be negative");
		}
		// Under the lock that registration holds: no connection of the source can slip in
		// between the refusal and the end of its streams.
		this.publishLock.lock();
		try {
			if (!refuseFor.isZero()) {
				this.admission.refuse(sourceId, deadlineNanos(refuseFor));
			}
			SseSource<T> source = this.registry.get(sourceId);
			if (source != null) {
				closeSource(source, CloseReason.SERVER);
			}
		}
		finally {
			this.publishLock.unlock();
		}
	}

	/**
	 * Tells whether the server publishes through a cluster, and whether that cluster can
	 * be reached.
	 * @return empty for a single server, else whether its cluster is available
	 */
	public Optional<Boolean> clusterAvailable() {
		return this.log.available();
	}

	Optional<String> publish(Audience<T> audience, SseEvent event) {
		if (event.id() != null) {
			throw new IllegalArgumentException("'id' is assigned by the server and must be null");
		}
		requireRunning();
		if (audience.source() != null && !this.log.isAddressable(audience.source())) {
			return Optional.empty();
		}
		String id = this.log.publish(audience, event);
		this.listeners.published(event.event());
		return Optional.of(id);
	}

	/**
	 * Sends an event whose data is computed per source, once per source: each connected
	 * source, and each source within the grace of its last connection, whose client
	 * receives it from history when it is back, as it would a broadcast.
	 */
	String publishEach(@Nullable String name, BiFunction<T, @Nullable String, String> dataFor) {
		requireRunning();
		Map<T, @Nullable String> lastEventIds = new LinkedHashMap<>();
		for (SseSource<T> source : this.registry.sources()) {
			lastEventIds.put(source.id(), source.lastEventId());
		}
		this.registry.lingering().forEach(lastEventIds::putIfAbsent);
		Map<T, String> data = new LinkedHashMap<>();
		List<Object> failed = new ArrayList<>();
		List<RuntimeException> causes = new ArrayList<>();
		for (Map.Entry<T, @Nullable String> source : lastEventIds.entrySet()) {
			try {
				data.put(source.getKey(), dataFor.apply(source.getKey(), source.getValue()));
			}
			catch (RuntimeException ex) {
				failed.add(source.getKey());
				causes.add(ex);
			}
		}
		String id = this.log.publishEach(name, data);
		this.listeners.published(name);
		if (!failed.isEmpty()) {
			throw new MarshallingException(id, failed, causes);
		}
		return id;
	}

	/**
	 * Registers a stream a transport opens: checks its topics and the limits, adds it,
	 * and queues its preamble. Only the addition and the newest id are taken under the
	 * publish lock; the replay is read without it, so a long replay does not hold up
	 * publishing.
	 */
	void register(SseStream<T> stream) {
		requireRunning();
		T id = stream.sourceId();
		String lastEventId = stream.lastEventId();
		if (lastEventId != null) {
			this.log.awaitDelivered(lastEventId);
		}
		this.admission.authorize(stream);
		Registry.Added added;
		String upToId;
		this.publishLock.lock();
		try {
			requireRunning();
			this.admission.check(id, this.registry);
			added = this.registry.add(stream, this);
			upToId = this.log.newestId();
		}
		finally {
			this.publishLock.unlock();
		}
		if (added == null) {
			throw new IllegalStateException("stream is closed");
		}
		int replayed = this.handshake.prepare(stream, upToId);
		if (replayed > 0) {
			this.listeners.replayed(replayed);
		}
		for (String topic : added.joined()) {
			join(topic, id);
		}
		logger.log(System.Logger.Level.DEBUG,
				() -> "Connected " + LogText.of(id) + " (Last-Event-ID " + LogText.of(lastEventId) + ")");
	}

	void release(SseStream<T> stream, CloseReason reason) {
		if (!this.registry.remove(stream)) {
			return; // never registered: closed before or while it was opened
		}
		this.closedByReason.incrementAndGet(reason.ordinal());
		if (this.registry.connectionCount() == 0) {
			synchronized (this.closedMonitor) {
				this.closedMonitor.notifyAll();
			}
		}
		logger.log(System.Logger.Level.DEBUG, () -> "Closed " + LogText.of(stream.sourceId()) + ": " + reason);
	}

	/**
	 * Publishes the join of a source, unless another server of a cluster holds it as a
	 * member of the topic already. A cluster out of reach answers no: the join is then
	 * published if it can be, and a stream is never refused for it.
	 */
	private void join(String topic, T sourceId) {
		if (this.presenceEvent == null) {
			return;
		}
		boolean elsewhere;
		try {
			elsewhere = this.log.isTopicMemberElsewhere(sourceId, topic);
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.DEBUG, () -> "Cannot tell whether " + LogText.of(sourceId) + " is in "
					+ LogText.of(topic) + " elsewhere: " + ex);
			elsewhere = false;
		}
		if (!elsewhere) {
			publishPresence(topic, sourceId, "join");
		}
	}

	/** Publishes a presence event to a topic; called outside every lock. */
	private void publishPresence(String topic, T sourceId, String state) {
		if (this.presenceEvent == null || !this.running) {
			return;
		}
		String data = "{\"topic\":" + Json.quote(topic) + ",\"user\":" + Json.quote(String.valueOf(sourceId))
				+ ",\"state\":\"" + state + "\"}";
		try {
			publish(Audience.topic(topic), SseEvent.of(this.presenceEvent, data));
		}
		catch (RuntimeException ex) {
			// A presence event is best effort: the server stopping, or a cluster out of
			// reach.
			logger.log(System.Logger.Level.DEBUG, () -> "Presence " + state + " of " + LogText.of(sourceId) + " in "
					+ LogText.of(topic) + " not published: " + ex);
		}
	}

	void closeSource(SseSource<T> source, CloseReason reason) {
		source.end(reason, this.closeFrame);
	}

	void execute(Runnable drain) {
		this.writers.execute(drain);
	}

	/**
	 * Drains the stream on the writers at the given time ({@link System#nanoTime()}); see
	 * {@link Ticker}.
	 */
	void drainLater(SseStream<?> stream, long atNanos) {
		this.ticker.drainLater(stream, atNanos);
	}

	Listeners listeners() {
		return this.listeners;
	}

	private void awaitNoConnections(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.closedMonitor) {
			while (this.registry.connectionCount() > 0) {
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

	private void requireRunning() {
		if (!this.running) {
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
		// The empty string is never an event id, so a malformed one is simply unknown to
		// history.
		return wellFormed ? lastEventId : "";
	}

	/**
	 * Ends the grace of topic members that did not come back: they leave, unless present
	 * elsewhere.
	 */
	private final class GraceEnded implements Ticker.GraceEnded<T> {

		@Override
		public void leftTopic(T sourceId, String topic) {
			boolean elsewhere;
			try {
				// Withdraws this server's record of the grace before it looks at the
				// others'.
				elsewhere = SseServer.this.log.leftTopic(sourceId, topic)
						|| SseServer.this.registry.presence(topic).contains(sourceId);
			}
			catch (RuntimeException ex) {
				elsewhere = false;
			}
			if (!elsewhere) {
				publishPresence(topic, sourceId, "leave");
			}
		}

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

		private int maxTopicsPerConnection = 32;

		private @Nullable Duration presenceGrace;

		private @Nullable String presenceEvent = "presence";

		private @Nullable TopicAuthorizer<T> topicAuthorizer;

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
		 * Sets how many frames may wait for one connection before it is closed as too
		 * slow.
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
		 * Sets how many connections the server holds over all sources; past it a new
		 * connection is refused with
		 * {@link ConnectionRefusedException.Reason#MAX_CONNECTIONS}.
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
		 * Sets how many connections one source may hold; past it a new connection of the
		 * source is refused with
		 * {@link ConnectionRefusedException.Reason#MAX_CONNECTIONS_PER_SOURCE}.
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
		 * Sets how many topics one connection may follow; a connection that asks for more
		 * is refused with an {@link IllegalArgumentException} from
		 * {@link SseServer#connect(Object, String, Collection)}.
		 * @param maxTopicsPerConnection the limit
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<T> maxTopicsPerConnection(int maxTopicsPerConnection) {
			if (maxTopicsPerConnection < 0) {
				throw new IllegalArgumentException("'maxTopicsPerConnection' must not be negative");
			}
			this.maxTopicsPerConnection = maxTopicsPerConnection;
			return this;
		}

		/**
		 * Sets how long a source that lost its last connection stays addressable, and how
		 * long a topic member whose last subscribed connection closed stays a member for
		 * presence events: a client that reconnects within it neither misses what was
		 * sent to it meanwhile (it is replayed) nor leaves and joins again. Defaults to
		 * the retry time plus 2 seconds.
		 * @param presenceGrace the grace, or {@code null} for the default
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<T> presenceGrace(@Nullable Duration presenceGrace) {
			if (presenceGrace != null && presenceGrace.isNegative()) {
				throw new IllegalArgumentException("'presenceGrace' must not be negative");
			}
			this.presenceGrace = presenceGrace;
			return this;
		}

		/**
		 * Sets the name of the event published to a topic when a source joins it (its
		 * first subscribed connection registers) or leaves it (its last one closed and
		 * none came back within the presence grace), with data {@code {"topic": NAME,
		 * "user": ID, "state": "join"|"leave"}}.
		 * @param presenceEvent the event name, or {@code null} to publish none
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<T> presenceEvent(@Nullable String presenceEvent) {
			this.presenceEvent = (presenceEvent != null) ? SseEvent.of(presenceEvent, "").event() : null;
			return this;
		}

		/**
		 * Sets who decides whether a source may subscribe to a topic; without one every
		 * subscription is allowed.
		 * @param topicAuthorizer the authorizer
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder<T> topicAuthorizer(TopicAuthorizer<T> topicAuthorizer) {
			this.topicAuthorizer = Objects.requireNonNull(topicAuthorizer, "'topicAuthorizer' must not be null");
			return this;
		}

		/**
		 * Sets how long a connection may stay open. Each connection gets between 90% and
		 * 100% of it, at random, so that clients that connected together reconnect spread
		 * out; then it ends cleanly after the frames already queued, without a close
		 * event, counted as {@link CloseReason#LIFETIME}, and its client reconnects with
		 * its {@code Last-Event-ID} and catches up from history. Checked on the
		 * keep-alive tick (at least every twentieth of the lifetime), with no task per
		 * connection.
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
		 * Makes the server one of a cluster: events are published to the cluster's shared
		 * log, which assigns their ids and from which every server of the cluster
		 * delivers them and replays them, instead of the server's own
		 * {@linkplain #history history} and {@linkplain #idGenerator ids}. Payloads
		 * computed per source ({@link ServerEvent#send(java.util.function.BiFunction)})
		 * are not supported in a cluster, and {@link SseServer#kick} and
		 * {@link SseSource#close()} act on this server's connections only.
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
		 * Sets the name of the event {@link SseSource#close()} sends before it closes the
		 * connections.
		 * @param closeEvent the event name, or {@code null} to send none
		 * @return this builder
		 */
		public Builder<T> closeEvent(@Nullable String closeEvent) {
			this.closeEvent = closeEvent;
			return this;
		}

		/**
		 * Sets the name of the event sent to a client whose {@code Last-Event-ID} history
		 * no longer covers, with the oldest id held as its data, before what history
		 * holds.
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
		 * Sets how long {@link SseServer#close()} waits for streams to flush before
		 * dropping them.
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
		 * Adds a listener that observes publishing and delivery, for metrics. Listeners
		 * are called in the order they were added.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder<T> listener(SseServerListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
			return this;
		}

		/**
		 * Builds the server, stopped: {@link SseServer#start()} starts its threads.
		 * @return the server
		 */
		public SseServer<T> build() {
			return new SseServer<>(this);
		}

	}

}
