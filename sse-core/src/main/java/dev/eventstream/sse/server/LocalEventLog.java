package dev.eventstream.sse.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * The event log of a single server: ids from an {@link EventIdGenerator}, replay from an
 * {@link EventHistory}, delivery at once, under the publish lock that orders ids, history
 * and fan-out.
 */
final class LocalEventLog<T> implements EventLog<T> {

	private final ReentrantLock publishLock;

	private final Registry<T> registry;

	private final WriterPool writers;

	private final EventHistory<T> history;

	private final EventIdGenerator idGenerator;

	LocalEventLog(ReentrantLock publishLock, Registry<T> registry, WriterPool writers, EventHistory<T> history,
			EventIdGenerator idGenerator) {
		this.publishLock = publishLock;
		this.registry = registry;
		this.writers = writers;
		this.history = history;
		this.idGenerator = idGenerator;
	}

	@Override
	public void start() {
	}

	@Override
	public String publish(Audience<T> audience, SseEvent event) {
		List<SseStream<?>> woken = new ArrayList<>();
		String id;
		this.publishLock.lock();
		try {
			id = this.idGenerator.nextId();
			byte[] bytes = SseEncoder.encode(event.withId(id));
			this.history.append(id, audience, bytes);
			this.registry.fanOut(id, audience, Frame.event(bytes, System.nanoTime()), woken);
		}
		finally {
			this.publishLock.unlock();
		}
		this.writers.drain(woken);
		return id;
	}

	@Override
	public String publishEach(@Nullable String name, Map<T, String> data) {
		List<SseStream<?>> woken = new ArrayList<>();
		String id;
		this.publishLock.lock();
		try {
			id = this.idGenerator.nextId();
			long now = System.nanoTime();
			for (Map.Entry<T, String> entry : data.entrySet()) {
				byte[] bytes = SseEncoder.encode(new SseEvent(id, name, entry.getValue(), null, null));
				Audience<T> audience = Audience.source(entry.getKey());
				this.history.append(id, audience, bytes);
				// Looked up again by id: the source may have reconnected as a new
				// SseSource since its payload was computed, and its new connections must
				// get the frame.
				this.registry.fanOut(id, audience, Frame.event(bytes, now), woken);
			}
		}
		finally {
			this.publishLock.unlock();
		}
		this.writers.drain(woken);
		return id;
	}

	@Override
	public String newestId() {
		return this.history.newestId();
	}

	@Override
	public void awaitDelivered(String lastEventId) {
	}

	@Override
	public EventHistory.Replay replay(String lastEventId, String upToId, T sourceId, Set<String> topics) {
		return this.history.replay(lastEventId, upToId, sourceId, topics);
	}

	@Override
	public boolean isAddressable(T sourceId) {
		return this.registry.isAddressable(sourceId);
	}

	@Override
	public void sourcePresent(T sourceId, boolean present) {
	}

	@Override
	public void topicPresent(T sourceId, String topic, boolean present) {
	}

	@Override
	public boolean isTopicMemberElsewhere(T sourceId, String topic) {
		return false;
	}

	@Override
	public boolean leftTopic(T sourceId, String topic) {
		return false;
	}

	@Override
	public Set<T> presence(String topic, Set<T> here) {
		return here;
	}

	@Override
	public Optional<Boolean> available() {
		return Optional.empty();
	}

	@Override
	public void close() {
	}

}
