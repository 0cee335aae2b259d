package dev.eventstream.sse.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import dev.eventstream.sse.server.Audience;
import dev.eventstream.sse.server.ClusterUnavailableException;
import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.SseCluster;
import dev.eventstream.sse.server.UnnumberedFrame;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;

/**
 * An {@link SseCluster} on a Redis Stream, through Spring Data Redis. Every event is one
 * stream entry ({@code XADD ... MAXLEN ~ size}), whose entry id is the event id, holding
 * the encoded frame, so no server marshals or encodes an event published by another. Each
 * server reads the stream on one thread ({@code XREAD BLOCK}) and delivers the entries to
 * its connections; a reconnecting client is replayed from the stream ({@code XRANGE}),
 * whichever server it returns to. Which server holds which source is kept in one sorted
 * set per source, so that an event for one source is accepted when the source is
 * connected anywhere.
 *
 * <p>
 * Every call to Redis is bounded by a timeout, which the connection factory enforces:
 * give the cluster a factory of its own whose commands time out after it and that rejects
 * commands while disconnected (the Spring Boot auto-configuration does). When a call
 * fails, because Redis cannot be reached or does not answer in time, the cluster counts
 * Redis as unavailable: {@link #append}, {@link #replay}, {@link #isConnected} and
 * {@link #presence} then fail at once with {@link ClusterUnavailableException} without
 * calling Redis, connected clients stay connected, and the reader retries. As soon as the
 * reader can read again Redis counts as available, this server's presence claims are
 * written again at once (a Redis that restarted empty lost them), and the reader resumes
 * after the last entry it delivered.
 *
 * <p>
 * A call that failed may still have been carried out: an event whose {@link #append}
 * timed out, or whose connection failed, may or may not be in the stream, and then
 * reaches every client when Redis answers again. Only an append refused while Redis
 * counts as unavailable is certainly not published.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public final class RedisSseCluster<T> implements SseCluster<T> {

	private static final Duration MAX_BLOCK = Duration.ofMillis(250);

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

	// Entries read per XRANGE of a replay.
	private static final int REPLAY_PAGE = 1000;

	private final RedisConnectionFactory connectionFactory;

	private final byte[] keyBytes;

	private final int maxLength;

	private final StreamEntries<T> entries;

	private final Reachability reachability = new Reachability();

	private final RedisPresence<T> presence;

	private final StreamReader<T> reader;

	/**
	 * Creates a cluster on a stream, for a connection factory whose commands time out
	 * after two seconds or more.
	 * @param connectionFactory connects to Redis
	 * @param codec encodes the ids of the sources events are sent to
	 * @param key the key of the stream; sorted sets of which server holds which source
	 * use it as prefix
	 * @param maxLength about how many entries the stream keeps for replay; trimmed with
	 * {@code MAXLEN ~}, so it may hold somewhat more
	 */
	public RedisSseCluster(RedisConnectionFactory connectionFactory, SourceIdCodec<T> codec, String key,
			int maxLength) {
		this(connectionFactory, codec, key, maxLength, DEFAULT_TIMEOUT);
	}

	/**
	 * Creates a cluster on a stream.
	 * @param connectionFactory connects to Redis; its commands must time out after
	 * {@code timeout}
	 * @param codec encodes the ids of the sources events are sent to
	 * @param key the key of the stream; sorted sets of which server holds which source
	 * use it as prefix
	 * @param maxLength about how many entries the stream keeps for replay; trimmed with
	 * {@code MAXLEN ~}, so it may hold somewhat more
	 * @param timeout how long one Redis command may take, as the connection factory
	 * enforces it; the reader blocks on the stream for less than it
	 * @since 0.2.0
	 */
	public RedisSseCluster(RedisConnectionFactory connectionFactory, SourceIdCodec<T> codec, String key, int maxLength,
			Duration timeout) {
		this(connectionFactory, codec, key, maxLength, timeout, RedisPresence.DEFAULT_TTL);
	}

	/**
	 * Creates a cluster on a stream, whose claims of where sources are connected expire
	 * after the given time when this server stops renewing them (it renews them every
	 * third of it): how long the sources of a server that died without withdrawing its
	 * claims still count as connected, and as present in their topics. Every server of a
	 * cluster must use the same time.
	 * @param connectionFactory connects to Redis; its commands must time out after
	 * {@code timeout}
	 * @param codec encodes the ids of the sources events are sent to
	 * @param key the key of the stream; sorted sets of which server holds which source
	 * use it as prefix
	 * @param maxLength about how many entries the stream keeps for replay; trimmed with
	 * {@code MAXLEN ~}, so it may hold somewhat more
	 * @param timeout how long one Redis command may take, as the connection factory
	 * enforces it; the reader blocks on the stream for less than it
	 * @param presenceTtl how long a claim holds without renewal; 30 seconds in the other
	 * constructors
	 * @since 0.2.0
	 */
	public RedisSseCluster(RedisConnectionFactory connectionFactory, SourceIdCodec<T> codec, String key, int maxLength,
			Duration timeout, Duration presenceTtl) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "'connectionFactory' must not be null");
		Objects.requireNonNull(codec, "'codec' must not be null");
		if (key.isEmpty()) {
			throw new IllegalArgumentException("'key' must not be empty");
		}
		if (maxLength < 1) {
			throw new IllegalArgumentException("'maxLength' must be at least 1");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("'timeout' must be positive");
		}
		if (presenceTtl.toMillis() < 1) {
			throw new IllegalArgumentException("'presenceTtl' must be at least 1ms");
		}
		this.keyBytes = StreamEntries.bytes(key);
		this.maxLength = maxLength;
		this.entries = new StreamEntries<>(codec);
		this.presence = new RedisPresence<>(connectionFactory, codec, key + ":source:", key + ":topic:",
				key + ":leaving:", UUID.randomUUID().toString(), this.reachability, presenceTtl, timeout);
		// Blocking for half the timeout leaves the other half for the round trip.
		Duration half = timeout.dividedBy(2);
		Duration block = (half.compareTo(MAX_BLOCK) < 0) ? half : MAX_BLOCK;
		this.reader = new StreamReader<>(connectionFactory, key, block, this.entries, this.reachability, this.presence);
	}

	@Override
	public String start(Receiver<T> receiver) {
		return this.reader.start(receiver);
	}

	@Override
	public String append(Audience<T> audience, UnnumberedFrame frame) {
		requireReachable("the event was not published");
		MapRecord<byte[], byte[], byte[]> entry = StreamRecords.newRecord()
			.in(this.keyBytes)
			.ofMap(this.entries.fields(audience, frame));
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return connection.streamCommands()
				.xAdd(entry, XAddOptions.maxlen(this.maxLength).approximateTrimming(true))
				.getValue();
		}
		catch (QueryTimeoutException ex) {
			this.reachability.failed();
			throw new ClusterUnavailableException("Redis did not answer in time; the event may or may not be published",
					ex);
		}
		catch (RuntimeException ex) {
			// The command may have been sent before the connection failed.
			this.reachability.failed();
			throw new ClusterUnavailableException("Redis failed; the event may or may not be published", ex);
		}
	}

	@Override
	public EventHistory.Replay replay(String lastEventId, String upToId, T source, Set<String> topics) {
		if (lastEventId.equals(upToId)) {
			return new EventHistory.Replay(true, List.of(), null);
		}
		requireReachable("cannot replay after " + lastEventId);
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			boolean complete = StreamIds.isValid(lastEventId) && holds(connection, lastEventId);
			List<byte[]> frames = new ArrayList<>();
			Range.Bound<String> from = complete ? Range.Bound.exclusive(lastEventId) : Range.Bound.unbounded();
			while (StreamIds.compare(upToId, EventHistory.ORIGIN) > 0) {
				List<ByteRecord> page = connection.streamCommands()
					.xRange(this.keyBytes, Range.of(from, Range.Bound.inclusive(upToId)),
							Limit.limit().count(REPLAY_PAGE));
				if (page == null || page.isEmpty()) {
					break;
				}
				for (ByteRecord entry : page) {
					if (this.entries.audience(entry).includes(source, topics)) {
						frames.add(this.entries.frame(entry));
					}
				}
				from = Range.Bound.exclusive(page.get(page.size() - 1).getId().getValue());
			}
			return new EventHistory.Replay(complete, frames, complete ? null : oldestId(connection));
		}
		catch (RuntimeException ex) {
			this.reachability.failed();
			throw new ClusterUnavailableException("Redis cannot be reached; cannot replay after " + lastEventId, ex);
		}
	}

	/**
	 * Tells whether the stream still holds the entry. The origin, the id of a client that
	 * saw nothing yet, is held while the stream was never trimmed: until it holds its
	 * maximum length.
	 */
	private boolean holds(RedisConnection connection, String id) {
		if (EventHistory.ORIGIN.equals(id)) {
			Long length = connection.streamCommands().xLen(this.keyBytes);
			return length == null || length < this.maxLength;
		}
		List<ByteRecord> entry = connection.streamCommands()
			.xRange(this.keyBytes, Range.closed(id, id), Limit.limit().count(1));
		return entry != null && !entry.isEmpty();
	}

	private @Nullable String oldestId(RedisConnection connection) {
		List<ByteRecord> oldest = connection.streamCommands()
			.xRange(this.keyBytes, Range.unbounded(), Limit.limit().count(1));
		return (oldest == null || oldest.isEmpty()) ? null : oldest.get(0).getId().getValue();
	}

	private void requireReachable(String consequence) {
		if (!this.reachability.isReachable()) {
			throw new ClusterUnavailableException("Redis cannot be reached; " + consequence, null);
		}
	}

	@Override
	public int compareIds(String id, String otherId) {
		return StreamIds.compare(id, otherId);
	}

	@Override
	public boolean isConnected(T sourceId) {
		requireReachable("cannot tell where the source is connected");
		try {
			return this.presence.isConnected(sourceId);
		}
		catch (RuntimeException ex) {
			this.reachability.failed();
			throw new ClusterUnavailableException("Redis cannot be reached; cannot tell where the source is connected",
					ex);
		}
	}

	@Override
	public void connected(T sourceId) {
		this.presence.connected(sourceId);
	}

	@Override
	public void disconnected(T sourceId) {
		this.presence.disconnected(sourceId);
	}

	@Override
	public void subscribed(T sourceId, String topic) {
		this.presence.subscribed(sourceId, topic);
	}

	@Override
	public void unsubscribed(T sourceId, String topic) {
		this.presence.unsubscribed(sourceId, topic);
	}

	@Override
	public void leaving(T sourceId, String topic) {
		this.presence.leaving(sourceId, topic);
	}

	@Override
	public boolean left(T sourceId, String topic) {
		requireReachable("cannot tell whether the source is in the topic elsewhere");
		return this.presence.left(sourceId, topic);
	}

	@Override
	public boolean isMemberElsewhere(T sourceId, String topic) {
		requireReachable("cannot tell whether the source is in the topic elsewhere");
		try {
			return this.presence.isMemberElsewhere(sourceId, topic);
		}
		catch (RuntimeException ex) {
			this.reachability.failed();
			throw new ClusterUnavailableException(
					"Redis cannot be reached; cannot tell whether the source is in the topic elsewhere", ex);
		}
	}

	@Override
	public Set<T> presence(String topic) {
		requireReachable("cannot tell who is present in a topic");
		try {
			return this.presence.presence(topic);
		}
		catch (RuntimeException ex) {
			this.reachability.failed();
			throw new ClusterUnavailableException("Redis cannot be reached; cannot tell who is present in a topic", ex);
		}
	}

	@Override
	public boolean isAvailable() {
		return this.reachability.isReachable();
	}

	@Override
	public void close() {
		this.reader.stop();
		this.presence.close();
	}

}
