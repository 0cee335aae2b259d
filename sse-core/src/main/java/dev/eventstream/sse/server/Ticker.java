package dev.eventstream.sse.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * The server's one background clock: writes keep-alives to idle connections, ends
 * connections past their lifetime, forgets ended refusals, and ends the presence grace of
 * sources and topic members that did not come back. No task per connection.
 *
 * @param <T> the type of source ids
 */
final class Ticker<T> {

	private static final System.Logger logger = System.getLogger(Ticker.class.getName());

	private static final Frame KEEP_ALIVE = Frame.control(SseEncoder.encode(SseEvent.comment("")));

	// The grace is checked at least this often, and at most every fifth of it.
	private static final long MAX_GRACE_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long MIN_GRACE_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private final Registry<T> registry;

	private final Admission<T> admission;

	private final WriterPool writers;

	private final GraceEnded<T> graceEnded;

	private final long idleNanos;

	private final long streamTickNanos;

	private final long graceTickNanos;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * Keep-alive ticks at half the interval, so a connection is never idle for longer
	 * than the interval and a vanished peer, found by the write after the one that drew
	 * its reset, is released within two. Lifetimes are checked on the same tick, at least
	 * every twentieth of one.
	 */
	Ticker(Registry<T> registry, Admission<T> admission, WriterPool writers, long keepAliveNanos,
			long lifetimeTickNanos, long graceNanos, GraceEnded<T> graceEnded) {
		this.registry = registry;
		this.admission = admission;
		this.writers = writers;
		this.graceEnded = graceEnded;
		this.idleNanos = (keepAliveNanos == 0) ? 0 : Math.max(1, keepAliveNanos / 2);
		long tick = (this.idleNanos == 0) ? lifetimeTickNanos
				: (lifetimeTickNanos == 0) ? this.idleNanos : Math.min(this.idleNanos, lifetimeTickNanos);
		// Refusals are forgotten on this tick too, so it runs even without keep-alive or
		// lifetimes.
		this.streamTickNanos = (tick == 0) ? TimeUnit.SECONDS.toNanos(10) : tick;
		this.graceTickNanos = Math.max(MIN_GRACE_TICK_NANOS, Math.min(MAX_GRACE_TICK_NANOS, graceNanos / 5));
	}

	synchronized void start() {
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(WriterPool.daemonThreads("sse-ticker-"));
		scheduler.scheduleAtFixedRate(this::tickStreams, this.streamTickNanos, this.streamTickNanos,
				TimeUnit.NANOSECONDS);
		scheduler.scheduleAtFixedRate(this::tickGrace, this.graceTickNanos, this.graceTickNanos, TimeUnit.NANOSECONDS);
		this.scheduler = scheduler;
	}

	synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	private void tickStreams() {
		long now = System.nanoTime();
		this.admission.purge(now);
		List<SseStream<?>> woken = new ArrayList<>();
		for (SseSource<T> source : this.registry.sources()) {
			for (SseStream<T> stream : source.streams()) {
				try {
					if (!stream.expireIfDue(now) && this.idleNanos > 0) {
						stream.keepAliveIfIdle(now, this.idleNanos, KEEP_ALIVE, woken);
					}
				}
				catch (RuntimeException ex) {
					// A periodic task that throws is never run again: one bad connection
					// must not end them all.
					logger.log(System.Logger.Level.WARNING,
							"Keep-alive of " + LogText.of(stream.sourceId()) + " failed", ex);
				}
			}
		}
		this.writers.drain(woken);
	}

	private void tickGrace() {
		try {
			long now = System.nanoTime();
			this.registry.expireLingering(now);
			for (Map.Entry<String, List<T>> left : this.registry.leaveDue(now).entrySet()) {
				for (T source : left.getValue()) {
					this.graceEnded.leftTopic(source, left.getKey());
				}
			}
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Presence grace tick failed", ex);
		}
	}

	/** What happens when a topic member's grace ends without a new connection. */
	interface GraceEnded<T> {

		void leftTopic(T sourceId, String topic);

	}

}
