package dev.eventstream.sse.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Which sources have connections on which server: one sorted set per source, whose members are the
 * servers that hold it, scored with the time until which each claim holds. A server renews its claims
 * periodically, so the claims of a server that died expire on their own, and at once when Redis can be
 * reached again after it could not, so that a Redis that lost its data learns them again without
 * waiting for the next renewal.
 *
 * <p>Claims are written on one background thread, in the order the connections changed, so that
 * registering a connection never waits for Redis. While Redis cannot be reached nothing is written:
 * the claims and withdrawals missed meanwhile are written when it can again.
 */
final class RedisPresence<T> implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(RedisPresence.class.getName());

	/** How long a claim holds without renewal. */
	static final Duration TTL = Duration.ofSeconds(30);

	private final RedisConnectionFactory connectionFactory;

	private final SourceIdCodec<T> codec;

	private final String keyPrefix;

	private final byte[] member;

	private final Reachability reachability;

	private final Set<T> local = ConcurrentHashMap.newKeySet();

	// Sources whose claim could not be withdrawn yet; only the writer thread uses it.
	private final Set<T> unwithdrawn = new HashSet<>();

	private final ScheduledExecutorService writer;

	RedisPresence(RedisConnectionFactory connectionFactory, SourceIdCodec<T> codec, String keyPrefix, String server,
			Reachability reachability) {
		this.connectionFactory = connectionFactory;
		this.codec = codec;
		this.keyPrefix = keyPrefix;
		this.member = server.getBytes(StandardCharsets.UTF_8);
		this.reachability = reachability;
		this.writer = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "sse-redis-presence");
			thread.setDaemon(true);
			return thread;
		});
		long renewal = TTL.toMillis() / 3;
		this.writer.scheduleWithFixedDelay(this::renewAll, renewal, renewal, TimeUnit.MILLISECONDS);
	}

	void connected(T sourceId) {
		this.local.add(sourceId);
		submit(() -> write(() -> {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				claim(connection, sourceId, System.currentTimeMillis());
			}
			this.unwithdrawn.remove(sourceId);
		}));
	}

	void disconnected(T sourceId) {
		this.local.remove(sourceId);
		submit(() -> {
			this.unwithdrawn.add(sourceId);
			write(() -> {
				try (RedisConnection connection = this.connectionFactory.getConnection()) {
					connection.zSetCommands().zRem(key(sourceId), this.member);
				}
				this.unwithdrawn.remove(sourceId);
			});
		});
	}

	/** Writes every claim, and the withdrawals missed, now rather than at the next renewal. */
	void renewNow() {
		submit(this::renewAll);
	}

	/** Tells whether any server holds an unexpired claim on the source. */
	boolean isConnected(T sourceId) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Long count = connection.zSetCommands().zCount(key(sourceId), System.currentTimeMillis(), Double.POSITIVE_INFINITY);
			return count != null && count > 0;
		}
	}

	@Override
	public void close() {
		this.writer.shutdownNow();
		try {
			this.writer.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!this.reachability.isReachable()) {
			return;
		}
		// Best effort: claims left behind expire within the TTL.
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.openPipeline();
			for (T sourceId : this.local) {
				connection.zSetCommands().zRem(key(sourceId), this.member);
			}
			connection.closePipeline();
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.DEBUG, "Cannot withdraw presence claims: " + ex);
		}
	}

	private void renewAll() {
		if (this.local.isEmpty() && this.unwithdrawn.isEmpty()) {
			return;
		}
		write(() -> {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				long now = System.currentTimeMillis();
				connection.openPipeline();
				for (T sourceId : this.unwithdrawn) {
					if (!this.local.contains(sourceId)) {
						connection.zSetCommands().zRem(key(sourceId), this.member);
					}
				}
				for (T sourceId : this.local) {
					claim(connection, sourceId, now);
				}
				connection.closePipeline();
			}
			this.unwithdrawn.clear();
		});
	}

	private void claim(RedisConnection connection, T sourceId, long now) {
		byte[] key = key(sourceId);
		connection.zSetCommands().zAdd(key, now + TTL.toMillis(), this.member);
		connection.keyCommands().pExpire(key, TTL.toMillis());
	}

	private void submit(Runnable task) {
		try {
			this.writer.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// closed: claims left behind expire within the TTL
		}
	}

	/**
	 * Writes to Redis, on the writer thread, unless Redis cannot be reached: then the renewal when it
	 * can again writes what was missed.
	 */
	private void write(Runnable write) {
		if (!this.reachability.isReachable()) {
			return;
		}
		try {
			write.run();
		}
		catch (RuntimeException ex) {
			this.reachability.failed();
			logger.log(System.Logger.Level.DEBUG, "Cannot write presence claims: " + ex);
		}
	}

	private byte[] key(T sourceId) {
		return (this.keyPrefix + this.codec.encode(sourceId)).getBytes(StandardCharsets.UTF_8);
	}

}
