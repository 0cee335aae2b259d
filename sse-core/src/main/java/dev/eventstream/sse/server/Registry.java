package dev.eventstream.sse.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Who is connected: the sources with their streams, the streams of each topic, and the
 * sources that lost their last connection less than the presence grace ago and so can
 * still be sent to. Finds the streams an event goes to without scanning every connection
 * for a source or topic event.
 *
 * @param <T> the type of source ids
 */
final class Registry<T> {

	private final ConcurrentHashMap<T, SseSource<T>> sources = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, TopicSubscribers<T>> topics = new ConcurrentHashMap<>();

	// Sources without a connection whose grace has not ended, with when it ends
	// (System.nanoTime()).
	private final ConcurrentHashMap<T, Lingering> lingering = new ConcurrentHashMap<>();

	private final AtomicInteger connectionCount = new AtomicInteger();

	private final long graceNanos;

	private final Presence<T> presence;

	/**
	 * Creates a registry.
	 * @param graceNanos how long a source stays addressable after its last connection
	 * @param presence told, inside the compute that changes it, when a source comes and
	 * goes here and when its first connection in a topic comes and its last goes: so a
	 * cluster hears of each change in the order it happened, even when a registration and
	 * a release of the same source race
	 */
	Registry(long graceNanos, Presence<T> presence) {
		this.graceNanos = graceNanos;
		this.presence = presence;
	}

	/**
	 * Adds an open stream to its source, creating the source on its first connection, and
	 * to its topics. Called under the publish lock.
	 * @return what changed, or {@code null} when the stream was released before it could
	 * be added
	 */
	@Nullable Added add(SseStream<T> stream, SseServer<T> server) {
		T id = stream.sourceId();
		boolean[] created = new boolean[1];
		boolean[] returned = new boolean[1];
		boolean[] added = new boolean[1];
		this.sources.compute(id, (key, source) -> {
			// Checked inside the compute, which release serializes with: a stream
			// released before it registers must not stay registered.
			if (!stream.isOpen()) {
				return source;
			}
			SseSource<T> target = (source != null) ? source : new SseSource<>(server, key);
			if (source == null || stream.lastEventId() != null) {
				target.lastEventId(stream.lastEventId());
			}
			target.add(stream);
			created[0] = (source == null);
			// Also inside the compute: a release of this very stream, which serializes
			// with it, must find it counted and leave its own grace in place.
			returned[0] = created[0] && this.lingering.remove(key) != null;
			if (created[0] && !returned[0]) {
				this.presence.sourcePresent(key, true);
			}
			this.connectionCount.incrementAndGet();
			added[0] = true;
			return target;
		});
		if (!added[0]) {
			return null;
		}
		List<String> joined = new ArrayList<>();
		for (String topic : stream.topics()) {
			this.topics.compute(topic, (key, subscribers) -> {
				if (!stream.isOpen()) {
					return subscribers;
				}
				TopicSubscribers<T> target = (subscribers != null) ? subscribers : new TopicSubscribers<>();
				int change = target.add(stream);
				if (change != TopicSubscribers.ALREADY_PRESENT) {
					this.presence.topicPresent(id, key, true);
				}
				if (change == TopicSubscribers.JOINED) {
					joined.add(key);
				}
				return target;
			});
		}
		return new Added(joined);
	}

	/**
	 * Removes a stream that was released.
	 * @return whether it was added before
	 */
	boolean remove(SseStream<T> stream) {
		boolean[] removed = new boolean[1];
		boolean[] gone = new boolean[1];
		long graceEndsAt = System.nanoTime() + this.graceNanos;
		this.sources.computeIfPresent(stream.sourceId(), (key, source) -> {
			removed[0] = source.remove(stream);
			gone[0] = source.connectionCount() == 0;
			if (gone[0]) {
				this.lingering.put(key, new Lingering(graceEndsAt, source.lastEventId()));
				return null;
			}
			return source;
		});
		if (!removed[0]) {
			return false;
		}
		for (String topic : stream.topics()) {
			this.topics.computeIfPresent(topic, (key, subscribers) -> {
				if (subscribers.remove(stream, graceEndsAt)) {
					this.presence.topicPresent(stream.sourceId(), key, false);
				}
				return subscribers.isEmpty() ? null : subscribers;
			});
		}
		this.connectionCount.decrementAndGet();
		return true;
	}

	/**
	 * Queues a frame on the streams of its audience; called under the publish lock. The
	 * streams that need a writer are added to {@code woken}.
	 */
	void fanOut(String id, Audience<T> audience, Frame frame, List<SseStream<?>> woken) {
		if (audience.topic() != null) {
			TopicSubscribers<T> subscribers = this.topics.get(audience.topic());
			if (subscribers != null) {
				for (SseStream<T> stream : subscribers.streams()) {
					stream.deliver(frame, woken);
				}
			}
			return;
		}
		if (audience.source() != null) {
			SseSource<T> source = this.sources.get(audience.source());
			if (source != null) {
				source.lastEventId(id);
				source.deliver(frame, woken);
			}
			return;
		}
		for (SseSource<T> source : this.sources.values()) {
			source.lastEventId(id);
			source.deliver(frame, woken);
		}
	}

	/**
	 * Tells whether the source has a connection here, or lost its last one less than the
	 * grace ago.
	 */
	boolean isAddressable(T sourceId) {
		if (this.sources.containsKey(sourceId)) {
			return true;
		}
		Lingering lingering = this.lingering.get(sourceId);
		return lingering != null && lingering.graceEndsAt() - System.nanoTime() > 0;
	}

	/**
	 * Returns the sources without a connection here whose grace has not ended, with the
	 * last event id each had when its last connection was released.
	 */
	Map<T, @Nullable String> lingering() {
		Map<T, @Nullable String> lastEventIds = new LinkedHashMap<>();
		long now = System.nanoTime();
		this.lingering.forEach((sourceId, lingering) -> {
			if (lingering.graceEndsAt() - now > 0 && !this.sources.containsKey(sourceId)) {
				lastEventIds.put(sourceId, lingering.lastEventId());
			}
		});
		return lastEventIds;
	}

	/**
	 * Forgets the sources whose grace ended without a new connection, each inside the
	 * compute of its id, which a new connection of the source serializes with.
	 */
	void expireLingering(long now) {
		for (Map.Entry<T, Lingering> entry : this.lingering.entrySet()) {
			if (now - entry.getValue().graceEndsAt() >= 0) {
				this.sources.compute(entry.getKey(), (key, source) -> {
					if (source == null && this.lingering.remove(key, entry.getValue())) {
						this.presence.sourcePresent(key, false);
					}
					return source;
				});
			}
		}
	}

	/**
	 * Returns, per topic, the sources whose presence grace ended without a new
	 * connection.
	 */
	Map<String, List<T>> leaveDue(long now) {
		Map<String, List<T>> due = new TreeMap<>();
		for (String topic : this.topics.keySet()) {
			this.topics.computeIfPresent(topic, (key, subscribers) -> {
				if (subscribers.hasLeaving()) {
					List<T> left = new ArrayList<>();
					subscribers.leaveDue(now, left);
					if (!left.isEmpty()) {
						due.put(key, left);
					}
				}
				return subscribers.isEmpty() ? null : subscribers;
			});
		}
		return due;
	}

	/** Returns the sources with an open connection subscribed to the topic here. */
	Set<T> presence(String topic) {
		Set<T>[] present = new Set[] { Set.of() };
		this.topics.computeIfPresent(topic, (key, subscribers) -> {
			present[0] = subscribers.present();
			return subscribers;
		});
		return present[0];
	}

	/**
	 * Returns the topics with at least one connection here, with their connection counts,
	 * by name.
	 */
	Map<String, Integer> topicConnections() {
		Map<String, Integer> counts = new TreeMap<>();
		this.topics.forEach((topic, subscribers) -> {
			int count = subscribers.connectionCount();
			if (count > 0) {
				counts.put(topic, count);
			}
		});
		return counts;
	}

	@Nullable SseSource<T> get(T sourceId) {
		return this.sources.get(sourceId);
	}

	Collection<SseSource<T>> sources() {
		return Collections.unmodifiableCollection(this.sources.values());
	}

	int size() {
		return this.sources.size();
	}

	int connectionCount() {
		return this.connectionCount.get();
	}

	/**
	 * A source that lost its last connection: when its grace ends (System.nanoTime()) and
	 * its last event id.
	 */
	private record Lingering(long graceEndsAt, @Nullable String lastEventId) {
	}

	/**
	 * What registering a stream changed.
	 *
	 * @param joined the topics its source joins: it had no connection subscribed to them,
	 * nor one within the grace
	 */
	record Added(List<String> joined) {
	}

	/**
	 * Hears, in the order they happen, when this server starts or stops holding a source,
	 * or a source in a topic.
	 *
	 * @param <T> the type of source ids
	 */
	interface Presence<T> {

		/** Called inside the compute of the source's id; must not block. */
		void sourcePresent(T sourceId, boolean present);

		/** Called inside the compute of the topic; must not block. */
		void topicPresent(T sourceId, String topic, boolean present);

	}

}
