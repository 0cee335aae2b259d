package dev.eventstream.sse.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.SseCluster.Receiver;
import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * Reads a cluster's stream on one thread ({@code XREAD BLOCK}) and hands every entry to
 * the receiver, in order. When a read fails Redis counts as unavailable and the reader
 * retries with a growing pause; once it can read again Redis counts as available, the
 * presence claims are written again, and it resumes after the last entry it delivered.
 *
 * @param <T> the type of source ids
 */
final class StreamReader<T> {

	private static final System.Logger logger = System.getLogger(StreamReader.class.getName());

	private static final int READ_COUNT = 1000;

	private static final long FIRST_BACKOFF_MILLIS = 50;

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

	private final RedisConnectionFactory connectionFactory;

	private final String key;

	private final byte[] keyBytes;

	private final Duration block;

	private final StreamEntries<T> entries;

	private final Reachability reachability;

	private final RedisPresence<T> presence;

	private volatile boolean running;

	// The newest entry delivered, or null until the end of the stream was found.
	private volatile @Nullable String position;

	private @Nullable Thread thread;

	StreamReader(RedisConnectionFactory connectionFactory, String key, Duration block, StreamEntries<T> entries,
			Reachability reachability, RedisPresence<T> presence) {
		this.connectionFactory = connectionFactory;
		this.key = key;
		this.keyBytes = StreamEntries.bytes(key);
		this.block = block;
		this.entries = entries;
		this.reachability = reachability;
		this.presence = presence;
	}

	/**
	 * Starts reading after the newest entry, or, when Redis cannot be reached now, after
	 * the newest entry it finds once it can.
	 * @return the id of the newest entry, the origin for an empty stream or one that
	 * cannot be read yet
	 * @throws IllegalStateException if the reader was started before
	 */
	synchronized String start(Receiver<T> receiver) {
		if (this.thread != null) {
			throw new IllegalStateException("Cluster already started");
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			this.position = newestId(connection);
		}
		catch (RuntimeException ex) {
			this.reachability.failed();
			logger.log(System.Logger.Level.WARNING,
					"Redis stream '" + this.key + "' cannot be read yet: " + rootCause(ex));
		}
		this.running = true;
		Thread thread = new Thread(() -> read(receiver), "sse-redis-reader");
		thread.setDaemon(true);
		thread.start();
		this.thread = thread;
		String start = this.position;
		return (start != null) ? start : EventHistory.ORIGIN;
	}

	/** Stops reading; waits for the thread a few reads long at most. */
	void stop() {
		Thread thread;
		synchronized (this) {
			this.running = false;
			thread = this.thread;
		}
		if (thread != null) {
			try {
				thread.join(this.block.toMillis() * 4 + 1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * The reader's loop: reads the stream after the last entry delivered, until stopped.
	 */
	private void read(Receiver<T> receiver) {
		long backoffMillis = FIRST_BACKOFF_MILLIS;
		boolean failing = false;
		while (this.running) {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				String after = this.position;
				if (after == null) {
					after = newestId(connection);
					this.position = after;
				}
				while (this.running) {
					List<ByteRecord> read = connection.streamCommands()
						.xRead(StreamReadOptions.empty().block(this.block).count(READ_COUNT),
								StreamOffset.create(this.keyBytes, ReadOffset.from(after)));
					if (failing) {
						logger.log(System.Logger.Level.INFO,
								"Redis stream '" + this.key + "' can be read again; resuming after " + after);
						failing = false;
						backoffMillis = FIRST_BACKOFF_MILLIS;
					}
					if (this.reachability.succeeded()) {
						this.presence.renewNow();
					}
					if (read == null) {
						continue;
					}
					for (ByteRecord entry : read) {
						String id = entry.getId().getValue();
						deliver(receiver, id, entry);
						after = id;
						this.position = id;
					}
				}
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				this.reachability.failed();
				if (!failing) {
					logger.log(System.Logger.Level.WARNING, "Redis stream '" + this.key
							+ "' cannot be read; delivery resumes when it can: " + rootCause(ex));
					failing = true;
				}
				sleep(backoffMillis);
				backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
			}
		}
	}

	private void deliver(Receiver<T> receiver, String id, ByteRecord entry) {
		try {
			// An entry read from a stream has a concrete id: only an id still to be
			// generated has no time.
			long publishedMillis = Objects.requireNonNull(entry.getId().getTimestamp(), "'timestamp' of a read entry");
			receiver.receive(id, this.entries.audience(entry), this.entries.frame(entry), publishedMillis);
		}
		catch (RuntimeException ex) {
			// One malformed entry must not stop delivery of the others.
			logger.log(System.Logger.Level.WARNING,
					"Cannot deliver entry " + id + " of Redis stream '" + this.key + "'", ex);
		}
	}

	private String newestId(RedisConnection connection) {
		List<ByteRecord> newest = connection.streamCommands()
			.xRevRange(this.keyBytes, Range.unbounded(), Limit.limit().count(1));
		return (newest == null || newest.isEmpty()) ? EventHistory.ORIGIN : newest.get(0).getId().getValue();
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static void sleep(long millis) {
		try {
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
