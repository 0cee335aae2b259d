package dev.eventstream.sse.client;

import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * A listener for tests that queues a client's events, so that a test can take them one at
 * a time, blocking with a timeout, like an iterator.
 *
 * <p>
 * The queue is unbounded. Once the client closes, {@link #next(Duration)} hands out the
 * events still queued, then throws {@link NoSuchElementException}. Public, and in
 * sse-core's test-jar, so that the other modules' tests can use it.
 */
public final class EventQueue implements SseListener {

	private static final Object END = new Object();

	private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

	private final CountDownLatch closed = new CountDownLatch(1);

	private volatile SseClient.@Nullable Termination termination;

	@Override
	public void onEvent(SseEvent event) {
		this.queue.add(event);
	}

	@Override
	public void onClosed(SseClient.Termination termination) {
		this.termination = termination;
		this.queue.add(END);
		this.closed.countDown();
	}

	/**
	 * Takes the next event, waiting for it if none is queued.
	 * @param timeout how long to wait
	 * @return the event
	 * @throws TimeoutException if no event came within the timeout
	 * @throws NoSuchElementException if the client closed and every event was taken
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	public SseEvent next(Duration timeout) throws TimeoutException, InterruptedException {
		Object item = this.queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		if (item == null) {
			throw new TimeoutException("no event within " + timeout);
		}
		if (item == END) {
			// Leave the marker for the next call, which must fail the same way.
			this.queue.add(END);
			throw new NoSuchElementException("client closed: " + this.termination);
		}
		return (SseEvent) item;
	}

	/**
	 * Waits for the client to close.
	 * @param timeout how long to wait
	 * @return why the client closed
	 * @throws TimeoutException if the client did not close within the timeout
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	public SseClient.Termination awaitClose(Duration timeout) throws TimeoutException, InterruptedException {
		if (!this.closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
			throw new TimeoutException("client not closed within " + timeout);
		}
		return Objects.requireNonNull(this.termination);
	}

}
