package dev.eventstream.sse.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Kicked sources whose new connections are refused, each until a
 * {@code System.nanoTime()} deadline. Expired entries go when looked up, when purged (on
 * the keep-alive tick), and when an insert finds the map has doubled since the last
 * purge: the map holds at most about twice the sources refused right now. Inserts happen
 * under the server's publishing lock.
 */
final class KickRefusals<T> {

	private static final int MIN_PURGE_SIZE = 64;

	private final ConcurrentHashMap<T, Long> deadlines = new ConcurrentHashMap<>();

	private int purgeSize = MIN_PURGE_SIZE;

	/** Refuses the source for the given time, replacing an earlier refusal. */
	void refuse(T sourceId, long now, long refuseForNanos) {
		if (this.deadlines.size() >= this.purgeSize) {
			purge(now);
			this.purgeSize = Math.max(MIN_PURGE_SIZE, 2 * this.deadlines.size());
		}
		this.deadlines.put(sourceId, now + refuseForNanos);
	}

	/** Returns how long the source is still refused, zero when it is not. */
	long remainingNanos(T sourceId, long now) {
		if (this.deadlines.isEmpty()) {
			return 0;
		}
		Long deadline = this.deadlines.get(sourceId);
		if (deadline == null) {
			return 0;
		}
		long left = deadline - now;
		if (left > 0) {
			return left;
		}
		this.deadlines.remove(sourceId, deadline);
		return 0;
	}

	void purge(long now) {
		if (!this.deadlines.isEmpty()) {
			this.deadlines.values().removeIf((deadline) -> deadline - now <= 0);
		}
	}

	/** Returns how many sources are held, expired refusals not purged yet included. */
	int size() {
		return this.deadlines.size();
	}

}
