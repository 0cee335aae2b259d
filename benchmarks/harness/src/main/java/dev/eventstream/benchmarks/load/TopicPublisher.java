package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Publishes events to topics with {@code POST /topics/t{j}/events} ({@code {"data":
 * ...}}) over a few keep-alive connections, one thread each, every one waiting for each
 * answer before its next request. Event {@code k} of a phase goes to topic
 * {@code k % topics}, at {@code k / rate} seconds after the start (so the topics take
 * turns, evenly spread), always over connection {@code topic % connections}: the events
 * of one topic are published one after the other, and must arrive in that order.
 */
final class TopicPublisher implements AutoCloseable {

	private final List<Publisher> publishers = new ArrayList<>();

	private final ExecutorService threads;

	TopicPublisher(InetSocketAddress server, int connections) {
		for (int i = 0; i < connections; i++) {
			this.publishers.add(new Publisher(server));
		}
		this.threads = Executors.newFixedThreadPool(connections, (task) -> {
			Thread thread = new Thread(task, "topic-publisher");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Publishes up to {@code count} events of the phase at {@code perSecond} in all,
	 * round-robin over {@code topics}; each connection stops at the time limit or at its
	 * first failure.
	 */
	Result publish(Phase phase, int count, double perSecond, int topics, int payloadBytes, Duration limit) {
		long start = System.nanoTime();
		long deadline = start + limit.toNanos();
		int connections = this.publishers.size();
		List<Future<Result>> parts = new ArrayList<>();
		for (int c = 0; c < connections; c++) {
			int connection = c;
			parts.add(this.threads.submit(() -> publish(this.publishers.get(connection), connection, connections, phase,
					count, perSecond, topics, payloadBytes, start, deadline)));
		}
		BitSet acked = new BitSet(count);
		Histogram postMicros = new Histogram();
		long end = start;
		String failure = null;
		for (Future<Result> part : parts) {
			try {
				Result result = part.get(limit.toNanos() + TimeUnit.SECONDS.toNanos(70), TimeUnit.NANOSECONDS);
				acked.or(result.acked());
				postMicros.add(result.postMicros());
				end = Math.max(end, start + result.elapsedNanos());
				if (failure == null) {
					failure = result.failure();
				}
			}
			catch (ExecutionException | TimeoutException ex) {
				failure = "publisher failed: " + ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failure = "interrupted";
			}
		}
		return new Result(acked, end - start, postMicros, new Histogram(), failure);
	}

	private static Result publish(Publisher publisher, int connection, int connections, Phase phase, int count,
			double perSecond, int topics, int payloadBytes, long start, long deadline) {
		BitSet acked = new BitSet(count);
		Histogram postMicros = new Histogram();
		String failure = null;
		long end = start;
		for (int k = 0; k < count; k++) {
			int topic = k % topics;
			if (topic % connections != connection) {
				continue;
			}
			long due = start + (long) (k * 1e9 / perSecond);
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			long now = System.nanoTime();
			if (now > deadline) {
				break;
			}
			String body = "{\"data\":\"" + phase.data(k, payloadBytes) + "\"}";
			try {
				phase.publishedNanos.set(k, now);
				int status = publisher.post("/topics/t" + topic + "/events", "application/json", body,
						Duration.ofNanos(Math.max(deadline - now, 1_000_000_000L)));
				end = System.nanoTime();
				postMicros.record((end - now) / 1000);
				if (status / 100 != 2) {
					failure = "POST answered " + status;
					break;
				}
				acked.set(k);
			}
			catch (IOException ex) {
				end = System.nanoTime();
				failure = ((ex instanceof SocketTimeoutException) ? "POST timed out: " : "POST failed: ")
						+ ex.getMessage();
				publisher.close();
				break;
			}
		}
		return new Result(acked, end - start, postMicros, new Histogram(), failure);
	}

	@Override
	public void close() {
		this.threads.shutdownNow();
		this.publishers.forEach(Publisher::close);
	}

	/**
	 * What a publishing run achieved.
	 *
	 * @param acked the events acknowledged
	 * @param elapsedNanos how long it took
	 * @param postMicros each POST's time
	 * @param callNanos each publish call's time in the server, as the server answered it
	 * (batches only; empty otherwise)
	 * @param failure what stopped it early, if anything
	 */
	record Result(BitSet acked, long elapsedNanos, Histogram postMicros, Histogram callNanos,
			@Nullable String failure) {

		double achievedRate() {
			return (this.elapsedNanos > 0) ? this.acked.cardinality() * 1e9 / this.elapsedNanos : 0;
		}

	}

}
