package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * An {@link EventHistory} that keeps the newest frames in memory, bounded by a number of
 * frames and optionally by age. The frames are the ones already encoded for delivery, so
 * history costs no copy.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public final class InMemoryEventHistory<T> implements EventHistory<T> {

	private final int size;

	private final @Nullable Duration maxAge;

	private final LongSupplier nanoClock;

	private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();

	private String newestId = ORIGIN;

	private boolean evicted;

	/**
	 * Creates a history.
	 * @param size the number of frames kept; zero keeps none
	 * @param maxAge how long a frame is kept, or {@code null} for no limit
	 */
	public InMemoryEventHistory(int size, @Nullable Duration maxAge) {
		this(size, maxAge, System::nanoTime);
	}

	InMemoryEventHistory(int size, @Nullable Duration maxAge, LongSupplier nanoClock) {
		if (size < 0) {
			throw new IllegalArgumentException("'size' must not be negative");
		}
		if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
			throw new IllegalArgumentException("'maxAge' must be positive");
		}
		this.size = size;
		this.maxAge = maxAge;
		this.nanoClock = nanoClock;
	}

	@Override
	public synchronized void append(String id, Audience<T> audience, byte[] frame) {
		this.newestId = id;
		if (this.size == 0) {
			this.evicted = true;
			return;
		}
		long now = this.nanoClock.getAsLong();
		evictExpired(now);
		if (this.entries.size() == this.size) {
			this.entries.removeFirst();
			this.evicted = true;
		}
		this.entries.addLast(new Entry<>(id, audience, frame, now));
	}

	@Override
	public synchronized Replay replay(String lastEventId, String upToId, T source, Set<String> topics) {
		evictExpired(this.nanoClock.getAsLong());
		List<byte[]> frames = new ArrayList<>();
		if (lastEventId.equals(upToId)) {
			return new Replay(true, frames, oldestId());
		}
		Iterator<Entry<T>> newestFirst = this.entries.descendingIterator();
		// Events published after the connection registered reach it live.
		boolean upToSeen = upToId.equals(this.newestId);
		while (newestFirst.hasNext()) {
			Entry<T> entry = newestFirst.next();
			if (entry.id().equals(lastEventId)) {
				Collections.reverse(frames);
				return new Replay(true, frames, oldestId());
			}
			upToSeen = upToSeen || entry.id().equals(upToId);
			if (upToSeen && entry.audience().includes(source, topics)) {
				frames.add(entry.frame());
			}
		}
		Collections.reverse(frames);
		boolean fromOrigin = ORIGIN.equals(lastEventId) && !this.evicted;
		return new Replay(fromOrigin, frames, oldestId());
	}

	@Override
	public synchronized String newestId() {
		return this.newestId;
	}

	private @Nullable String oldestId() {
		Entry<T> oldest = this.entries.peekFirst();
		return (oldest != null) ? oldest.id() : null;
	}

	private void evictExpired(long now) {
		if (this.maxAge == null) {
			return;
		}
		long maxAgeNanos = this.maxAge.toNanos();
		while (!this.entries.isEmpty() && now - this.entries.peekFirst().nanos() > maxAgeNanos) {
			this.entries.removeFirst();
			this.evicted = true;
		}
	}

	private record Entry<T>(String id, Audience<T> audience, byte[] frame, long nanos) {

	}

}
