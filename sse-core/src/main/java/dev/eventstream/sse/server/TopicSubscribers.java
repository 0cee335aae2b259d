package dev.eventstream.sse.server;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections subscribed to one topic, and who is present in it: the sources with at
 * least one of those connections. A source whose last connection left stays "leaving" for
 * the presence grace, so a reconnecting tab neither leaves nor joins again. Mutated only
 * inside the registry's compute for the topic; the stream array is read without a lock by
 * the fan-out.
 */
final class TopicSubscribers<T> {

	@SuppressWarnings("rawtypes")
	private static final SseStream[] NONE = new SseStream[0];

	@SuppressWarnings("unchecked")
	private volatile SseStream<T>[] streams = NONE;

	private final Map<T, Integer> connectionsPerSource = new HashMap<>();

	// Sources whose last connection closed, with when their grace ends
	// (System.nanoTime()).
	private final Map<T, Long> leaving = new HashMap<>();

	/** The source already had a connection subscribed to the topic. */
	static final int ALREADY_PRESENT = 0;

	/**
	 * The source's first connection, back within the grace of its last one: present
	 * again, no join.
	 */
	static final int RETURNED = 1;

	/** The source's first connection: it joins the topic. */
	static final int JOINED = 2;

	/**
	 * Adds a stream; returns {@link #ALREADY_PRESENT}, {@link #RETURNED} or
	 * {@link #JOINED}.
	 */
	int add(SseStream<T> stream) {
		this.streams = StreamArrays.with(this.streams, stream);
		int count = this.connectionsPerSource.merge(stream.sourceId(), 1, Integer::sum);
		if (count > 1) {
			return ALREADY_PRESENT;
		}
		return (this.leaving.remove(stream.sourceId()) != null) ? RETURNED : JOINED;
	}

	/**
	 * Removes a stream; returns whether its source has no connection left in the topic.
	 */
	boolean remove(SseStream<T> stream, long graceEndsAt) {
		SseStream<T>[] next = StreamArrays.without(this.streams, stream);
		if (next == null) {
			return false;
		}
		this.streams = next;
		T source = stream.sourceId();
		int left = this.connectionsPerSource.merge(source, -1, Integer::sum);
		if (left > 0) {
			return false;
		}
		this.connectionsPerSource.remove(source);
		this.leaving.put(source, graceEndsAt);
		return true;
	}

	/** Moves the sources whose grace ended to {@code left}. */
	void leaveDue(long now, List<T> left) {
		Iterator<Map.Entry<T, Long>> each = this.leaving.entrySet().iterator();
		while (each.hasNext()) {
			Map.Entry<T, Long> entry = each.next();
			if (now - entry.getValue() >= 0) {
				each.remove();
				left.add(entry.getKey());
			}
		}
	}

	boolean isEmpty() {
		return this.streams.length == 0 && this.leaving.isEmpty();
	}

	boolean hasLeaving() {
		return !this.leaving.isEmpty();
	}

	SseStream<T>[] streams() {
		return this.streams;
	}

	int connectionCount() {
		return this.streams.length;
	}

	/**
	 * Returns the sources present now; called inside the registry's compute for the
	 * topic.
	 */
	Set<T> present() {
		return Set.copyOf(this.connectionsPerSource.keySet());
	}

}
