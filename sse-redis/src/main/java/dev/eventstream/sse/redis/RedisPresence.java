package dev.eventstream.sse.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.eventstream.sse.server.ClusterUnavailableException;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Which sources have connections on which server: one sorted set per source, whose
 * members are the servers that hold it, and one per topic, whose members are the servers
 * with each source they hold in it; scored with the time until which each claim holds. A
 * second sorted set per topic holds, the same way, the sources whose last connection in
 * the topic closed on a server less than the presence grace ago: still members for join
 * and leave events, though no longer present. A server renews its claims periodically, so
 * the claims of a server that died expire on their own, and at once when Redis can be
 * reached again after it could not, so that a Redis that lost its data learns them again
 * without waiting for the next renewal.
 *
 * <p>
 * Claims are written on one background thread, in the order the connections changed, so
 * that registering a connection never waits for Redis. While Redis cannot be reached
 * nothing is written: the claims and withdrawals missed meanwhile are written when it can
 * again.
 */
final class RedisPresence<T> implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(RedisPresence.class.getName());

	/** How long a claim holds without renewal, by default. */
	static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

	// Between the server and the source in a topic's members: server ids are UUIDs,
	// without it.
	private static final char SEPARATOR = '|';

	private final RedisConnectionFactory connectionFactory;

	private final SourceIdCodec<T> codec;

	private final String keyPrefix;

	private final String topicKeyPrefix;

	private final String leavingKeyPrefix;

	private final String server;

	private final byte[] member;

	private final Reachability reachability;

	private final long ttlMillis;

	private final long timeoutMillis;

	private final Set<Claim> local = ConcurrentHashMap.newKeySet();

	// Claims that could not be withdrawn yet; only the writer thread uses it.
	private final Set<Claim> unwithdrawn = new HashSet<>();

	private final ScheduledExecutorService writer;

	RedisPresence(RedisConnectionFactory connectionFactory, SourceIdCodec<T> codec, String keyPrefix,
			String topicKeyPrefix, String leavingKeyPrefix, String server, Reachability reachability, Duration ttl,
			Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.codec = codec;
		this.keyPrefix = keyPrefix;
		this.topicKeyPrefix = topicKeyPrefix;
		this.leavingKeyPrefix = leavingKeyPrefix;
		this.server = server;
		this.member = server.getBytes(StandardCharsets.UTF_8);
		this.reachability = reachability;
		this.ttlMillis = ttl.toMillis();
		this.timeoutMillis = timeout.toMillis();
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
		remove(topicClaim(this.leavingKeyPrefix, sourceId, topic));
		add(topicClaim(this.topicKeyPrefix, sourceId, topic));
	}

	void unsubscribed(T sourceId, String topic) {
		remove(topicClaim(this.topicKeyPrefix, sourceId, topic));
	}

	void leaving(T sourceId, String topic) {
		add(topicClaim(this.leavingKeyPrefix, sourceId, topic));
	}

	/**
	 * Withdraws the claim that the source is leaving the topic here, then tells whether
	 * another server holds it as a member. Both run on the writer thread, in order with
	 * the other claims: the withdrawal reaches Redis before the question, so that of two
	 * servers whose graces end together the later one finds nobody, and no renewal can
	 * write the claim again.
	 */
	boolean left(T sourceId, String topic) {
		Claim claim = topicClaim(this.leavingKeyPrefix, sourceId, topic);
		this.local.remove(claim);
		Future<Boolean> answer;
		try {
			answer = this.writer.submit(() -> {
				this.unwithdrawn.add(claim);
				if (!this.reachability.isReachable()) {
					throw new ClusterUnavailableException("Redis cannot be reached", null);
				}
				try (RedisConnection connection = this.connectionFactory.getConnection()) {
					connection.zSetCommands().zRem(claim.key(), claim.member());
					this.unwithdrawn.remove(claim);
					return isMemberElsewhere(connection, sourceId, topic);
				}
				catch (RuntimeException ex) {
					this.reachability.failed();
					throw ex;
				}
			});
		}
		catch (RejectedExecutionException ex) {
			throw new ClusterUnavailableException("Presence claims are closed", ex);
		}
		try {
			// The writer may first finish the claims queued before this one.
			return answer.get(2 * this.timeoutMillis + 1000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new ClusterUnavailableException("Cannot tell whether the source is in the topic elsewhere",
					ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new ClusterUnavailableException("Redis did not answer in time", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClusterUnavailableException("Interrupted", ex);
		}
	}

	/**
	 * Tells whether another server holds an unexpired claim that the source is in the
	 * topic, or leaving it.
	 */
	boolean isMemberElsewhere(T sourceId, String topic) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return isMemberElsewhere(connection, sourceId, topic);
		}
	}

	private boolean isMemberElsewhere(RedisConnection connection, T sourceId, String topic) {
		String source = this.codec.encode(sourceId);
		long now = System.currentTimeMillis();
		for (String prefix : new String[] { this.topicKeyPrefix, this.leavingKeyPrefix }) {
			Set<byte[]> members = connection.zSetCommands()
				.zRangeByScore(topicKey(prefix, topic), now, Double.POSITIVE_INFINITY);
			if (members == null) {
				continue;
			}
			for (byte[] member : members) {
				String text = new String(member, StandardCharsets.UTF_8);
				int separator = text.indexOf(SEPARATOR);
				if (!text.substring(0, separator).equals(this.server) && text.substring(separator + 1).equals(source)) {
					return true;
				}
			}
		}
		return false;
	}

	/** Returns the sources some server holds an unexpired claim on in the topic. */
	Set<T> presence(String topic) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Set<byte[]> members = connection.zSetCommands()
				.zRangeByScore(topicKey(this.topicKeyPrefix, topic), System.currentTimeMillis(),
						Double.POSITIVE_INFINITY);
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

	/**
	 * Writes every claim, and the withdrawals missed, now rather than at the next
	 * renewal.
	 */
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

	private Claim topicClaim(String prefix, T sourceId, String topic) {
		byte[] member = (this.server + SEPARATOR + this.codec.encode(sourceId)).getBytes(StandardCharsets.UTF_8);
		return new Claim(topicKey(prefix, topic), member);
	}

	/** Tells whether any server holds an unexpired claim on the source. */
	boolean isConnected(T sourceId) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Long count = connection.zSetCommands()
				.zCount(key(sourceId), System.currentTimeMillis(), Double.POSITIVE_INFINITY);
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
	 * Writes to Redis, on the writer thread, unless Redis cannot be reached: then the
	 * renewal when it can again writes what was missed.
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

	private static byte[] topicKey(String prefix, String topic) {
		return (prefix + topic).getBytes(StandardCharsets.UTF_8);
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
