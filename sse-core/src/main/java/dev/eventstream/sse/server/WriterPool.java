package dev.eventstream.sse.server;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The threads that write to connections. A publish hands over every stream it woke at
 * once: one task per writer thread, each with its share, rather than a task and a thread
 * wake-up per stream, which made publishing to ten thousand streams spend most of its
 * time waking writers.
 */
final class WriterPool {

	private static final System.Logger logger = System.getLogger(WriterPool.class.getName());

	private final int threads;

	private volatile @Nullable ExecutorService executor;

	WriterPool(int threads) {
		this.threads = threads;
	}

	void start() {
		this.executor = Executors.newFixedThreadPool(this.threads, daemonThreads("sse-writer-"));
	}

	void stop() {
		ExecutorService executor = this.executor;
		if (executor != null) {
			executor.shutdown();
		}
	}

	/** Drains the given streams on the writer threads. */
	void drain(List<SseStream<?>> woken) {
		int count = woken.size();
		int tasks = Math.min(this.threads, count);
		for (int task = 0; task < tasks; task++) {
			List<SseStream<?>> share = woken.subList(count * task / tasks, count * (task + 1) / tasks);
			execute(() -> {
				for (SseStream<?> stream : share) {
					try {
						stream.drain();
					}
					catch (RuntimeException ex) {
						// One broken stream must not keep the others of the share from
						// their frames.
						logger.log(System.Logger.Level.WARNING, "Drain of " + LogText.of(stream.sourceId()) + " failed",
								ex);
					}
				}
			});
		}
	}

	/**
	 * Runs a drain on a writer thread; on the caller's when the writers are stopped, so
	 * no stream is left behind.
	 */
	void execute(Runnable drain) {
		ExecutorService executor = this.executor;
		if (executor != null) {
			try {
				executor.execute(drain);
				return;
			}
			catch (RejectedExecutionException ex) {
				// stopped: fall through
			}
		}
		drain.run();
	}

	static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
