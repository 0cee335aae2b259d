package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * The event log of one server of a cluster: events are appended to the cluster's shared
 * log, outside the publish lock, and delivered when this server reads them back, like
 * every other server's.
 */
final class ClusterEventLog<T> implements EventLog<T> {

	private static final System.Logger logger = System.getLogger(ClusterEventLog.class.getName());

	// How long a reconnecting client waits for this server to read, from the cluster's
	// log, the event it last received from another server.
	private static final Duration CATCH_UP = Duration.ofSeconds(2);

	private final ReentrantLock publishLock;

	private final Registry<T> registry;

	private final WriterPool writers;

	private final SseCluster<T> cluster;

	// The newest id delivered from the cluster's log, written under the publish lock.
	private volatile String deliveredId = EventHistory.ORIGIN;

	ClusterEventLog(ReentrantLock publishLock, Registry<T> registry, WriterPool writers, SseCluster<T> cluster) {
		this.publishLock = publishLock;
		this.registry = registry;
		this.writers = writers;
		this.cluster = cluster;
	}

	@Override
	public void start() {
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

	@Override
	public String publish(Audience<T> audience, SseEvent event) {
		return this.cluster.append(audience, UnnumberedFrame.of(event));
	}

	@Override
	public String publishEach(@Nullable String name, Map<T, String> data) {
		throw new UnsupportedOperationException("Payloads computed per source are not supported in a cluster: "
				+ "the sources are spread over its servers; send to each source with sendTo instead");
	}

	/** Delivers an event of the cluster's log to this server's connections. */
	private void receive(String id, Audience<T> audience, byte[] bytes, long publishedMillis) {
		// Publishing time on this clock, for the delivery latency: the log's clock is the
		// wall clock.
		long age = Math.max(0, System.currentTimeMillis() - publishedMillis);
		Frame frame = Frame.event(bytes, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(age));
		List<SseStream<?>> woken = new ArrayList<>();
		this.publishLock.lock();
		try {
			this.deliveredId = id;
			this.registry.fanOut(id, audience, frame, woken);
		}
		finally {
			this.publishLock.unlock();
		}
		this.writers.drain(woken);
	}

	@Override
	public String newestId() {
		return this.deliveredId;
	}

	/**
	 * Waits, for a short while, until this server delivered the event a client reconnects
	 * with: it may have received it from a server that read the log sooner. Then the
	 * replay up to the newest id this server delivered covers everything up to the
	 * client's id, and nothing is sent twice.
	 */
	@Override
	public void awaitDelivered(String lastEventId) {
		long deadline = System.nanoTime() + CATCH_UP.toNanos();
		while (this.cluster.compareIds(lastEventId, this.deliveredId) > 0 && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	/**
	 * Replays from the cluster's log. When it cannot be reached the client is told it
	 * missed events rather than refused, since a browser does not retry a refused
	 * {@code EventSource}.
	 */
	@Override
	public EventHistory.Replay replay(String lastEventId, String upToId, T sourceId, Set<String> topics) {
		try {
			return this.cluster.replay(lastEventId, upToId, sourceId, topics);
		}
		catch (ClusterUnavailableException ex) {
			logger.log(System.Logger.Level.WARNING,
					"Cannot replay to " + LogText.of(sourceId) + ": " + ex.getMessage());
			return new EventHistory.Replay(false, List.of(), null);
		}
	}

	@Override
	public boolean isAddressable(T sourceId) {
		return this.registry.isAddressable(sourceId) || this.cluster.isConnected(sourceId);
	}

	@Override
	public void sourcePresent(T sourceId, boolean present) {
		if (present) {
			this.cluster.connected(sourceId);
		}
		else {
			this.cluster.disconnected(sourceId);
		}
	}

	@Override
	public void topicPresent(T sourceId, String topic, boolean present) {
		if (present) {
			this.cluster.subscribed(sourceId, topic);
		}
		else {
			this.cluster.unsubscribed(sourceId, topic);
			this.cluster.leaving(sourceId, topic);
		}
	}

	@Override
	public boolean isTopicMemberElsewhere(T sourceId, String topic) {
		return this.cluster.isMemberElsewhere(sourceId, topic);
	}

	@Override
	public boolean leftTopic(T sourceId, String topic) {
		return this.cluster.left(sourceId, topic);
	}

	@Override
	public Set<T> presence(String topic, Set<T> here) {
		Set<T> all = new HashSet<>(here);
		all.addAll(this.cluster.presence(topic));
		return all;
	}

	@Override
	public Optional<Boolean> available() {
		return Optional.of(this.cluster.isAvailable());
	}

	@Override
	public void close() {
		this.cluster.close();
	}

}
