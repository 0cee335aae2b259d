package dev.eventstream.sse.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Assigns the id of each published event. Ids are opaque strings that are unique per
 * server; clients only compare them for equality.
 *
 * <p>
 * The server calls {@link #nextId()} while it holds its publishing lock, in publishing
 * order.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EventIdGenerator {

	/**
	 * Returns the id for the next event.
	 * @return a non-empty id without CR, LF or U+0000, never returned before
	 */
	String nextId();

	/**
	 * Returns the default generator: increasing decimal numbers that start at the current
	 * time in microseconds, so that ids of a restarted server never repeat those of an
	 * earlier run.
	 * @return a new generator
	 */
	static EventIdGenerator sequential() {
		AtomicLong next = new AtomicLong(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
		return () -> Long.toString(next.getAndIncrement());
	}

}
