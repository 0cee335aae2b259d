package dev.eventstream.sse.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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
 * servers that hold it, and one per topic, whose members are the servers with each source they hold in
 * it; scored with the time until which each claim holds. A server renews its claims periodically, so the
 * claims of a server that died expire on their own, and at once when Redis can be reached again after
 * it could not, so that a Redis that lost its data learns them again without waiting for the next
 * renewal.
 *
 * <p>Claims are written on one background thread, in the order the connections changed, so that
 * registering a connection never waits for Redis. While Redis cannot be reached nothing is written:
 * the claims and withdrawals missed meanwhile are written when it can again.
 */
final class RedisPresence<T> implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(RedisPresence.class.getName());

	/** How long a claim holds without renewal, by default. */
	static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

	// Between the server and the source in a topic's members: server ids are UUIDs, without it.
	private static final char SEPARATOR = '|';

	private final RedisConnectionFactory connectionFactory;

	private final SourceIdCodec<T> codec;

	private final String keyPrefix;

	private final String topicKeyPrefix;

	private final String server;

	private final byte[] member;

	private final Reachability reachability;

	private final long ttlMillis;

	private final Set<Claim> local = ConcurrentHashMap.newKeySet();

	// Claims that could not be withdrawn yet; only the writer thread uses it.
	private final Set<Claim> unwithdrawn = new HashSet<>();

	private final ScheduledExecutorService writer;

	RedisPresence(RedisConnectionFactory connectionFactory, SourceIdCodec<T> codec, String keyPrefix,
			String topicKeyPrefix, String server, Reachability reachability, Duration ttl) {
		this.connectionFactory = connectionFactory;
		this.codec = codec;
		this.keyPrefix = keyPrefix;
		this.topicKeyPrefix = topicKeyPrefix;
		this.server = server;
		this.member = server.getBytes(StandardCharsets.UTF_8);
		this.reachability = reachability;
		this.ttlMillis = ttl.toMillis();
		this.writer = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "sse-redis-presence");
			thread.setDaemon(true);
			return thread;
		});
		long renewal = Math.max(1, this.ttlMillis / 3);
		this.writer.scheduleWithFixedDelay(this::renewAll, renewal, renewal, TimeUnit.MILLISECONDS);
	}

	void connected(T sourceId) {
		add(new Claim(key(sourceId), this.member));
	}

	void disconnected(T sourceId) {
		remove(new Claim(key(sourceId), this.member));
	}

	void subscribed(T sourceId, String topic) {
		add(topicClaim(sourceId, topic));
	}

	void unsubscribed(T sourceId, String topic) {
		remove(topicClaim(sourceId, topic));
	}

	/** Returns the sources some server holds an unexpired claim on in the topic. */
	Set<T> presence(String topic) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Set<byte[]> members = connection.zSetCommands()
				.zRangeByScore(topicKey(topic), System.currentTimeMillis(), Double.POSITIVE_INFINITY);
			Set<T> present = new HashSet<>();
			if (members != null) {
				for (byte[] member : members) {
					String text = new String(member, StandardCharsets.UTF_8);
					present.add(this.codec.decode(text.substring(text.indexOf(SEPARATOR) + 1)));
				}
			}
			return present;
		}
	}

	/** Writes every claim, and the withdrawals missed, now rather than at the next renewal. */
	void renewNow() {
		submit(this::renewAll);
	}

	private void add(Claim claim) {
		this.local.add(claim);
		submit(() -> write(() -> {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				claim(connection, claim, System.currentTimeMillis());
			}
			this.unwithdrawn.remove(claim);
		}));
	}

	private void remove(Claim claim) {
		this.local.remove(claim);
		submit(() -> {
			this.unwithdrawn.add(claim);
			write(() -> {
				try (RedisConnection connection = this.connectionFactory.getConnection()) {
					connection.zSetCommands().zRem(claim.key(), claim.member());
				}
				this.unwithdrawn.remove(claim);
			});
		});
	}

	private Claim topicClaim(T sourceId, String topic) {
		byte[] member = (this.server + SEPARATOR + this.codec.encode(sourceId)).getBytes(StandardCharsets.UTF_8);
		return new Claim(topicKey(topic), member);
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
			for (Claim claim : this.local) {
				connection.zSetCommands().zRem(claim.key(), claim.member());
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
				for (Claim claim : this.unwithdrawn) {
					if (!this.local.contains(claim)) {
						connection.zSetCommands().zRem(claim.key(), claim.member());
					}
				}
				for (Claim claim : this.local) {
					claim(connection, claim, now);
				}
				connection.closePipeline();
			}
			this.unwithdrawn.clear();
		});
	}

	private void claim(RedisConnection connection, Claim claim, long now) {
		connection.zSetCommands().zAdd(claim.key(), now + this.ttlMillis, claim.member());
		connection.keyCommands().pExpire(claim.key(), this.ttlMillis);
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

	private byte[] topicKey(String topic) {
		return (this.topicKeyPrefix + topic).getBytes(StandardCharsets.UTF_8);
	}

	/** One sorted-set member this server keeps alive. */
	private record Claim(byte[] key, byte[] member) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Claim claim && Arrays.equals(this.key, claim.key)
					&& Arrays.equals(this.member, claim.member);
		}

		@Override
		public int hashCode() {
			return 31 * Arrays.hashCode(this.key) + Arrays.hashCode(this.member);
		}

	}

}
