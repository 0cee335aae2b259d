package dev.eventstream.sse.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The delay before a client connects again. After a drop that follows a connection which
 * delivered an event, it is the reconnection time: the configured one, or the last
 * {@code retry} the server sent. While connections keep failing without delivering an
 * event, it doubles from the second failure on (from at least 100 ms), with &plusmn;20%
 * jitter, up to the maximum; a reconnection time that is already at least the maximum, as
 * a server's {@code retry} may be, is used as it is.
 *
 * <p>
 * Thread-safe: the delay is taken on a drop, while the reconnection time may change on
 * the thread that reads a stream.
 */
final class ReconnectBackoff {

	/**
	 * The least delay that doubles: a zero or tiny reconnection time must not make a busy
	 * loop of failures.
	 */
	static final Duration MIN_BACKOFF = Duration.ofMillis(100);

	/** How far the jitter moves a delay, up or down, as a fraction of it. */
	static final double JITTER = 0.2;

	private final Duration maxReconnectTime;

	private final DoubleSupplier random;

	private Duration reconnectTime;

	private int failures;

	/**
	 * Creates a back-off with jitter from {@link ThreadLocalRandom}.
	 * @param reconnectTime the initial reconnection time
	 * @param maxReconnectTime the limit of the back-off
	 */
	ReconnectBackoff(Duration reconnectTime, Duration maxReconnectTime) {
		this(reconnectTime, maxReconnectTime, () -> ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * Creates a back-off.
	 * @param reconnectTime the initial reconnection time
	 * @param maxReconnectTime the limit of the back-off
	 * @param random the source of the jitter: doubles spread evenly over [0, 1)
	 */
	ReconnectBackoff(Duration reconnectTime, Duration maxReconnectTime, DoubleSupplier random) {
		this.reconnectTime = reconnectTime;
		this.maxReconnectTime = maxReconnectTime;
		this.random = random;
	}

	/**
	 * Returns the reconnection time: the initial one, or the last one the server sent.
	 * @return the reconnection time
	 */
	synchronized Duration reconnectTime() {
		return this.reconnectTime;
	}

	/**
	 * Takes the reconnection time the server sent in a {@code retry} field.
	 * @param retry the new reconnection time
	 */
	synchronized void retry(Duration retry) {
		this.reconnectTime = retry;
	}

	/**
	 * Forgets the failures so far, once a connection delivered an event: the next delay
	 * is the reconnection time again.
	 */
	synchronized void reset() {
		this.failures = 0;
	}

	/**
	 * Counts a connection that ended or failed, and returns how long to wait before the
	 * next one.
	 * @return the delay
	 */
	synchronized Duration nextDelay() {
		if (this.failures < Integer.MAX_VALUE) {
			this.failures++;
		}
		Duration base = this.reconnectTime;
		if (this.failures == 1 || base.compareTo(this.maxReconnectTime) >= 0) {
			return base;
		}
		long max = this.maxReconnectTime.toMillis();
		long from = Math.max(base.toMillis(), MIN_BACKOFF.toMillis());
		double millis = from * Math.pow(2, Math.min(this.failures - 1, 30));
		double capped = Math.min(millis, max);
		double jittered = capped * (1 + JITTER * (2 * this.random.getAsDouble() - 1));
		return Duration.ofMillis((long) Math.min(jittered, max));
	}

}
