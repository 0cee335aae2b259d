package dev.eventstream.sse.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * The server's one background clock: writes keep-alives to idle connections, ends
 * connections past their lifetime, forgets ended refusals, ends the presence grace of
 * sources and topic members that did not come back, and hands streams that paused after a
 * first write back to the writers. No task per connection.
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

	private volatile @Nullable ScheduledExecutorService scheduler;

	// Streams pausing, in the order they paused; polled under this ticker's monitor only.
	private final ConcurrentLinkedQueue<Pause> paused = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean resumeScheduled = new AtomicBoolean();

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
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.scheduler = null;
		}
		// The paused streams' drains must still run, to write the end of their streams;
		// the run that was scheduled for them is cancelled.
		this.resumeScheduled.set(false);
		resume(Long.MAX_VALUE);
	}

	/**
	 * Drains the stream on the writers at the given time ({@link System#nanoTime()}), a
	 * short pause away: after a first write that follows an idle period, so that a reset
	 * from a client that went away arrives before the next (see SseStream.drain()). The
	 * caller hands over the stream's state, as to {@link WriterPool#execute(Runnable)}.
	 * One scheduled task serves every stream pausing at once.
	 */
	void drainLater(SseStream<?> stream, long atNanos) {
		this.paused.add(new Pause(stream, atNanos));
		if (this.resumeScheduled.compareAndSet(false, true)) {
			scheduleResume(Math.max(0, atNanos - System.nanoTime()));
		}
	}

	private void scheduleResume(long delayNanos) {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			try {
				scheduler.schedule(this::resumeDue, delayNanos, TimeUnit.NANOSECONDS);
				return;
			}
			catch (RejectedExecutionException ex) {
				// stopped: hand them over now
			}
		}
		this.resumeScheduled.set(false);
		resume(Long.MAX_VALUE);
	}

	private void resumeDue() {
		// Cleared before polling: a stream added from now on schedules another run.
		this.resumeScheduled.set(false);
		Pause next = resume(System.nanoTime());
		if (next != null && this.resumeScheduled.compareAndSet(false, true)) {
			scheduleResume(Math.max(0, next.dueNanos() - System.nanoTime()));
		}
	}

	/**
	 * Hands the streams whose pause ended by the given time to the writers, and returns
	 * the first one left, if any.
	 */
	private synchronized @Nullable Pause resume(long now) {
		List<SseStream<?>> due = new ArrayList<>();
		Pause head;
		while ((head = this.paused.peek()) != null && (now == Long.MAX_VALUE || head.dueNanos() - now <= 0)) {
			this.paused.poll();
			due.add(head.stream());
		}
		this.writers.drain(due);
		return head;
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

	/** A stream pausing until the given time ({@link System#nanoTime()}). */
	private record Pause(SseStream<?> stream, long dueNanos) {
	}

	/** What happens when a topic member's grace ends without a new connection. */
	interface GraceEnded<T> {

		void leftTopic(T sourceId, String topic);

	}

}
