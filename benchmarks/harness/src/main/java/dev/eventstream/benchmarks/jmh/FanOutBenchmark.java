package dev.eventstream.benchmarks.jmh;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;
import dev.eventstream.sse.server.transport.SseConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Broadcasting one event to N open in-memory connections, until every connection has
 * flushed it: the server's whole fan-out (id, encoding, history, queueing and the writer
 * threads) without sockets.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanOutBenchmark {

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** Number of open connections. */
	@Param({ "1000", "10000" })
	public int connections;

	private final LongAdder flushed = new LongAdder();

	private final SseEvent event = SseEvent.of("x".repeat(64));

	private SseServer<Integer> server;

	/** Opens the connections and waits until each has flushed its preamble. */
	@Setup
	public void setUp() {
		this.server = SseServer.<Integer>builder()
			.keepAlive(Duration.ZERO)
			.retry(null)
			.maxConnections(this.connections)
			.build();
		this.server.start();
		for (int i = 0; i < this.connections; i++) {
			SseStream<Integer> stream = this.server.connect(i, null);
			stream.open(new MemoryConnection(this.flushed), null).onWritePossible();
		}
		await(this.connections);
	}

	/** Closes the server and its connections. */
	@TearDown
	public void tearDown() {
		this.server.close();
	}

	/** Broadcasts one event and returns once every connection flushed it. */
	@Benchmark
	public void broadcast() {
		long target = this.flushed.sum() + this.connections;
		this.server.broadcast(this.event);
		await(target);
	}

	private void await(long target) {
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		while (this.flushed.sum() < target) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Fan-out did not complete: " + this.flushed.sum() + " of " + target);
			}
			Thread.onSpinWait();
		}
	}

	/** A connection that is always writable, and counts its flushes. */
	private static final class MemoryConnection implements SseConnection {

		private final LongAdder flushed;

		private long bytes;

		MemoryConnection(LongAdder flushed) {
			this.flushed = flushed;
		}

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void write(byte[] frame) {
			this.bytes += frame.length;
		}

		@Override
		public void flush() {
			this.flushed.increment();
		}

		@Override
		public void close() {
		}

	}

}
