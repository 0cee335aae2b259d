package dev.eventstream.sse.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * periodically, so the claims of a server that died expire on their own.
 *
 * <p>Claims are written on one background thread, in the order the connections changed, so that
 * registering a connection never waits for Redis.
 */
final class RedisPresence<T> implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(RedisPresence.class.getName());

	/** How long a claim holds without renewal. */
	static final Duration TTL = Duration.ofSeconds(30);

	private final RedisConnectionFactory connectionFactory;

	private final SourceIdCodec<T> codec;

	private final String keyPrefix;

	private final byte[] member;

	private final Set<T> local = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService writer;

	RedisPresence(RedisConnectionFactory connectionFactory, SourceIdCodec<T> codec, String keyPrefix, String server) {
		this.connectionFactory = connectionFactory;
		this.codec = codec;
		this.keyPrefix = keyPrefix;
		this.member = server.getBytes(StandardCharsets.UTF_8);
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
		write(() -> {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				claim(connection, sourceId, System.currentTimeMillis());
			}
		});
	}

	void disconnected(T sourceId) {
		this.local.remove(sourceId);
		write(() -> {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				connection.zSetCommands().zRem(key(sourceId), this.member);
			}
		});
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
		// Best effort: claims left behind expire within the TTL.
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			for (T sourceId : this.local) {
				connection.zSetCommands().zRem(key(sourceId), this.member);
			}
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.DEBUG, "Cannot withdraw presence claims: " + ex);
		}
	}

	private void renewAll() {
		if (this.local.isEmpty()) {
			return;
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			long now = System.currentTimeMillis();
			connection.openPipeline();
			for (T sourceId : this.local) {
				claim(connection, sourceId, now);
			}
			connection.closePipeline();
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.DEBUG, "Cannot renew presence claims: " + ex);
		}
	}

	private void claim(RedisConnection connection, T sourceId, long now) {
		byte[] key = key(sourceId);
		connection.zSetCommands().zAdd(key, now + TTL.toMillis(), this.member);
		connection.keyCommands().pExpire(key, TTL.toMillis());
	}

	private void write(Runnable write) {
		try {
			this.writer.execute(() -> {
				try {
					write.run();
				}
				catch (RuntimeException ex) {
					// The next renewal repairs the claim.
					logger.log(System.Logger.Level.DEBUG, "Cannot write presence claim: " + ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// closed: claims left behind expire within the TTL
		}
	}

	private byte[] key(T sourceId) {
		return (this.keyPrefix + this.codec.encode(sourceId)).getBytes(StandardCharsets.UTF_8);
	}

}
