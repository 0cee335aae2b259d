package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

/**
 * Holds many event streams over a few selector threads (never a thread per connection):
 * opens them at a given rate, decodes what arrives, pauses some to play slow consumers,
 * and sums up what each phase delivered.
 */
final class LoadGenerator implements AutoCloseable {

	private final InetSocketAddress server;

	private final List<Reader> readers = new ArrayList<>();

	private final List<ClientStream> streams = new ArrayList<>();

	LoadGenerator(InetSocketAddress server, int readerThreads) throws IOException {
		this.server = server;
		for (int i = 0; i < readerThreads; i++) {
			Reader reader = new Reader(Selector.open());
			Thread thread = new Thread(reader, "load-reader-" + i);
			thread.setDaemon(true);
			thread.start();
			this.readers.add(reader);
		}
	}

	/**
	 * Opens {@code count} streams at {@code perSecond}, with the given receive buffer (0
	 * for the system's), and returns once each is connected or failed, at most after the
	 * timeout.
	 */
	ConnectResult connect(int count, int perSecond, int receiveBuffer, Duration timeout) {
		return connect(count, perSecond, receiveBuffer, timeout, (i) -> "");
	}

	/**
	 * Opens streams like {@link #connect(int, int, int, Duration)}, stream {@code i} of
	 * them with {@code extraQuery.apply(i)} appended to its request's query (such as
	 * {@code &topic=t3}).
	 */
	ConnectResult connect(int count, int perSecond, int receiveBuffer, Duration timeout,
			IntFunction<String> extraQuery) {
		long start = System.nanoTime();
		long interval = 1_000_000_000L / perSecond;
		List<ClientStream> opened = new ArrayList<>(count);
		int failed = 0;
		for (int i = 0; i < count; i++) {
			long due = start + i * interval;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			try {
				SocketChannel channel = SocketChannel.open();
				channel.configureBlocking(false);
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
				if (receiveBuffer > 0) {
					channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
				}
				ClientStream stream = new ClientStream(channel, System.nanoTime());
				boolean connected = channel.connect(this.server);
				String user = "u" + (this.streams.size() + opened.size()) + extraQuery.apply(i);
				this.readers.get(i % this.readers.size()).submit(() -> register(stream, connected, user));
				opened.add(stream);
			}
			catch (IOException ex) {
				failed++;
			}
		}
		long lastStarted = System.nanoTime();
		this.streams.addAll(opened);
		long deadline = lastStarted + timeout.toNanos();
		while (System.nanoTime() < deadline && opened.stream().anyMatch((s) -> !s.closed && s.key == null)) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		failed += (int) opened.stream().filter((s) -> s.closed).count();
		return new ConnectResult(opened, failed, lastStarted - start);
	}

	private void register(ClientStream stream, boolean connected, String user) {
		Reader reader = currentReader();
		try {
			if (connected) {
				sendRequest(stream, user);
				stream.key = stream.channel.register(reader.selector, SelectionKey.OP_READ, stream);
			}
			else {
				stream.key = stream.channel.register(reader.selector, SelectionKey.OP_CONNECT,
						new Pending(stream, user));
			}
			reader.streams.add(stream);
		}
		catch (IOException ex) {
			reader.close(stream);
		}
	}

	private void sendRequest(ClientStream stream, String user) throws IOException {
		String request = "GET /events?user=" + user + " HTTP/1.1\r\nHost: " + this.server.getHostString() + ":"
				+ this.server.getPort() + "\r\nAccept: text/event-stream\r\n\r\n";
		ByteBuffer bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
		stream.channel.write(bytes);
		if (bytes.hasRemaining()) {
			throw new IOException("Request not written at once");
		}
	}

	private Reader currentReader() {
		for (Reader reader : this.readers) {
			if (reader.thread == Thread.currentThread()) {
				return reader;
			}
		}
		throw new IllegalStateException("not a reader thread");
	}

	/**
	 * Starts a phase on every stream; the ones open and reading now are its participants.
	 */
	void begin(Phase phase) {
		onEveryReader((reader) -> {
			reader.latencies = new Histogram();
			reader.lastReceiptNanos = 0;
			reader.closedInPhase.clear();
			for (ClientStream stream : reader.streams) {
				stream.begin(phase);
			}
			return null;
		});
	}

	/**
	 * Stops reading from the given streams: their clients stay connected but read nothing
	 * more.
	 */
	void pause(List<ClientStream> streams) {
		onEveryReader((reader) -> {
			for (ClientStream stream : streams) {
				if (reader.streams.contains(stream) && stream.key != null && stream.key.isValid()) {
					stream.key.interestOps(0);
					stream.paused = true;
				}
			}
			return null;
		});
	}

	/**
	 * Waits until every participant of the phase received {@code acked} events, or the
	 * timeout passed; returns whether all did.
	 */
	boolean awaitDelivery(List<ClientStream> streams, int acked, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (;;) {
			boolean all = true;
			for (ClientStream stream : streams) {
				if (!stream.closed && !stream.paused && stream.received < acked) {
					all = false;
					break;
				}
			}
			if (all) {
				return true;
			}
			if (System.nanoTime() > deadline) {
				return false;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	/**
	 * Sums up the phase over its participants, counting events numbered below
	 * {@code acked}.
	 */
	PhaseStats collect(int acked) {
		List<PhaseStats> parts = onEveryReader((reader) -> {
			PhaseStats stats = PhaseStats.empty();
			stats.latencies.add(reader.latencies);
			stats.lastReceiptNanos = reader.lastReceiptNanos;
			List<ClientStream> streams = new ArrayList<>(reader.streams);
			streams.addAll(reader.closedInPhase);
			for (ClientStream stream : streams) {
				if (!stream.closed) {
					stats.open++;
				}
				if (stream.paused) {
					stats.paused++;
					if (stream.closed) {
						stats.pausedClosed++;
					}
				}
				if (stream.participant) {
					stats.participants++;
					int received = stream.receivedBelow(acked);
					stats.received += received;
					stats.lost += acked - received;
					stats.duplicated += stream.duplicates;
					stats.outOfOrder += stream.outOfOrder;
					if (stream.closed) {
						stats.closedDuringPhase++;
					}
				}
			}
			return stats;
		});
		PhaseStats total = PhaseStats.empty();
		parts.forEach(total::add);
		return total;
	}

	/**
	 * Applies the summary to each reader's streams on that reader's thread (so their
	 * per-phase state can be read safely), and returns one result per reader.
	 */
	<R> List<R> summarize(Function<List<ClientStream>, R> summary) {
		return onEveryReader((reader) -> summary.apply(reader.streams));
	}

	/** Closes every stream held. */
	void closeAll() {
		onEveryReader((reader) -> {
			for (ClientStream stream : new ArrayList<>(reader.streams)) {
				reader.close(stream);
			}
			return null;
		});
		this.streams.clear();
	}

	int held() {
		return (int) this.streams.stream().filter((s) -> !s.closed).count();
	}

	@Override
	public void close() {
		closeAll();
		for (Reader reader : this.readers) {
			reader.running = false;
			reader.selector.wakeup();
		}
	}

	private <R extends @Nullable Object> List<R> onEveryReader(Function<Reader, R> task) {
		List<CompletableFuture<R>> futures = new ArrayList<>();
		for (Reader reader : this.readers) {
			CompletableFuture<R> future = new CompletableFuture<>();
			reader.submit(() -> {
				try {
					future.complete(task.apply(reader));
				}
				catch (RuntimeException ex) {
					future.completeExceptionally(ex);
				}
			});
			futures.add(future);
		}
		return futures.stream().map((f) -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();
	}

	/**
	 * A stream whose connection is not established yet, with the user id of its request.
	 */
	private record Pending(ClientStream stream, String user) {
	}

	/**
	 * The result of a connect phase: the streams opened, how many failed, and how long
	 * opening took.
	 */
	record ConnectResult(List<ClientStream> streams, int failed, long openingNanos) {
	}

	/** One selector thread and the streams it reads. */
	private final class Reader implements Runnable {

		final Selector selector;

		final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

		final List<ClientStream> streams = new ArrayList<>();

		// The streams that closed since the phase began: still counted in its results.
		final List<ClientStream> closedInPhase = new ArrayList<>();

		final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);

		volatile boolean running = true;

		volatile @Nullable Thread thread;

		Histogram latencies = new Histogram();

		long lastReceiptNanos;

		Reader(Selector selector) {
			this.selector = selector;
		}

		void submit(Runnable task) {
			this.tasks.add(task);
			this.selector.wakeup();
		}

		@Override
		public void run() {
			this.thread = Thread.currentThread();
			try {
				while (this.running) {
					this.selector.select(100);
					Runnable task;
					while ((task = this.tasks.poll()) != null) {
						task.run();
					}
					Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
					while (keys.hasNext()) {
						SelectionKey key = keys.next();
						keys.remove();
						if (key.isValid()) {
							handle(key);
						}
					}
				}
				this.selector.close();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Selector failed", ex);
			}
		}

		private void handle(SelectionKey key) {
			if (key.attachment() instanceof Pending pending) {
				ClientStream stream = pending.stream();
				try {
					if (stream.channel.finishConnect()) {
						sendRequest(stream, pending.user());
						key.attach(stream);
						key.interestOps(SelectionKey.OP_READ);
					}
				}
				catch (IOException ex) {
					close(stream);
				}
				return;
			}
			ClientStream stream = (ClientStream) key.attachment();
			try {
				for (int reads = 0; reads < 4; reads++) {
					this.buffer.clear();
					int read = stream.channel.read(this.buffer);
					if (read < 0) {
						close(stream);
						return;
					}
					if (read == 0) {
						return;
					}
					long now = System.nanoTime();
					stream.onBytes(this.buffer, read, now, this.latencies);
					this.lastReceiptNanos = now;
					if (stream.ended()) {
						close(stream);
						return;
					}
				}
			}
			catch (IOException ex) {
				close(stream);
			}
		}

		void close(ClientStream stream) {
			stream.closed = true;
			this.streams.remove(stream);
			this.closedInPhase.add(stream);
			try {
				stream.channel.close();
			}
			catch (IOException ex) {
				// already gone
			}
		}

	}

}
