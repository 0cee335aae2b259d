package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.SseParser;
import dev.eventstream.sse.server.SseServer;
import org.apache.coyote.AbstractProtocol;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import static org.awaitility.Awaitility.await;

/**
 * An event-stream client over raw non-blocking sockets to {@code 127.0.0.1}, for fault
 * and load tests: one selector thread reads every stream, so that a test can hold a
 * thousand of them. Each stream sends an HTTP/1.1 {@code GET}, decodes the chunked
 * response and feeds an {@link SseParser}; it can half-close its socket, or stop reading
 * after a number of body bytes.
 *
 * <p>
 * Registered as an extension, it connects to the server of the test's Spring application
 * context, and after each test closes every stream and waits until that server released
 * them all.
 */
final class LoopbackClient implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

	static final Duration WAIT = Duration.ofSeconds(30);

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

	private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

	private int port;

	private @Nullable Selector selector;

	private @Nullable Thread thread;

	private volatile boolean running;

	/** Creates a client to register as an extension. */
	LoopbackClient() {
	}

	/**
	 * Creates a client of the given port, which the caller closes.
	 * @param port the server's port
	 */
	LoopbackClient(int port) {
		start(port);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		Integer port = SpringExtension.getApplicationContext(context)
			.getEnvironment()
			.getProperty("local.server.port", Integer.class);
		start(Objects.requireNonNull(port, "local.server.port"));
	}

	@Override
	public void afterEach(ExtensionContext context) {
		close();
		SseServer<?> server = SpringExtension.getApplicationContext(context).getBean(SseServer.class);
		await().atMost(WAIT).until(() -> server.connectionCount() == 0);
	}

	/**
	 * Returns how many connections Tomcat holds, of any client, plus one: it counts its
	 * acceptor's next connection while it waits for it.
	 * @param context the context of the server
	 * @return the count
	 */
	static long serverConnections(WebServerApplicationContext context) {
		TomcatWebServer webServer = (TomcatWebServer) context.getWebServer();
		return ((AbstractProtocol<?>) webServer.getTomcat().getConnector().getProtocolHandler()).getConnectionCount();
	}

	private void start(int port) {
		this.port = port;
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.running = true;
		Thread thread = new Thread(this::run, "loopback-client");
		thread.setDaemon(true);
		thread.start();
		this.thread = thread;
	}

	/**
	 * Opens a stream; it connects in the background.
	 * @param pathAndQuery the request target
	 * @param headers extra request headers, as name and value pairs
	 * @return the stream
	 */
	Stream open(String pathAndQuery, String... headers) {
		return open(pathAndQuery, 0, headers);
	}

	/**
	 * Opens a stream whose socket has the given receive buffer size; it connects in the
	 * background.
	 * @param pathAndQuery the request target
	 * @param receiveBufferSize the size in bytes, or 0 for the system's default
	 * @param headers extra request headers, as name and value pairs
	 * @return the stream
	 */
	Stream open(String pathAndQuery, int receiveBufferSize, String... headers) {
		StringBuilder request = new StringBuilder("GET ").append(pathAndQuery)
			.append(" HTTP/1.1\r\nHost: 127.0.0.1:")
			.append(this.port)
			.append("\r\nAccept: text/event-stream\r\n");
		for (int i = 0; i < headers.length; i += 2) {
			request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
		}
		request.append("\r\n");
		try {
			SocketChannel channel = SocketChannel.open();
			channel.configureBlocking(false);
			if (receiveBufferSize > 0) {
				// Set before connecting, so that the window the server sees is small from
				// the start.
				channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
			}
			Stream stream = new Stream(channel, request.toString().getBytes(StandardCharsets.US_ASCII));
			this.streams.add(stream);
			channel.connect(new InetSocketAddress("127.0.0.1", this.port));
			execute(() -> stream.register(SelectionKey.OP_CONNECT));
			return stream;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Closes every stream and stops the selector thread. */
	@Override
	public void close() {
		this.running = false;
		selector().wakeup();
		try {
			Objects.requireNonNull(this.thread).join(WAIT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.streams.forEach(Stream::close);
		try {
			selector().close();
		}
		catch (IOException ex) {
			// nothing left to release
		}
	}

	/**
	 * Waits for the selector thread's next turn: streams closed before it returns have
	 * their sockets closed, since a selection deregisters the keys of closed channels and
	 * so closes them.
	 */
	void awaitSelection() {
		CompletableFuture<Void> turn = new CompletableFuture<>();
		execute(() -> turn.complete(null));
		turn.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	private Selector selector() {
		return Objects.requireNonNull(this.selector, "client is not started");
	}

	private void execute(Runnable task) {
		this.tasks.add(task);
		selector().wakeup();
	}

	private void run() {
		try {
			while (this.running) {
				selector().select();
				for (Runnable task = this.tasks.poll(); task != null; task = this.tasks.poll()) {
					task.run();
				}
				for (SelectionKey key : selector().selectedKeys()) {
					((Stream) key.attachment()).ready(key);
				}
				selector().selectedKeys().clear();
			}
		}
		catch (IOException | ClosedSelectorException ex) {
			// closed
		}
	}

	/**
	 * One event stream, fed by the selector thread. Its accessors may be called from any
	 * thread.
	 */
	final class Stream {

		private static final int HEADERS = 0;

		private static final int CHUNK_SIZE = 1;

		private static final int CHUNK_DATA = 2;

		private static final int CHUNK_END = 3;

		private static final int IDENTITY = 4;

		private static final int DONE = 5;

		private final SocketChannel channel;

		private final ByteBuffer request;

		private final SseParser parser;

		private final CompletableFuture<Integer> started = new CompletableFuture<>();

		private final StringBuilder head = new StringBuilder();

		private final List<SseEvent> events = new ArrayList<>();

		private int comments;

		// Read and written by the selector thread only.
		private int state = HEADERS;

		private long chunkLeft;

		private long chunkSize;

		private @Nullable SelectionKey key;

		private int status = -1;

		private long bodyBytes;

		private volatile long readLimit = Long.MAX_VALUE;

		private String lastEventId = "";

		private volatile boolean ended;

		private volatile boolean endedCleanly;

		private Stream(SocketChannel channel, byte[] request) {
			this.channel = channel;
			this.request = ByteBuffer.wrap(request);
			this.parser = new SseParser(new SseParser.Listener() {

				@Override
				public void onEvent(SseEvent event) {
					Stream.this.events.add(event);
				}

				@Override
				public void onComment(String comment) {
					Stream.this.comments++;
				}

			});
		}

		/**
		 * Waits until the response status arrived and, for {@code 200}, the priming event
		 * id, which the server writes last in the preamble of a stream it registered.
		 * @return the status
		 */
		int awaitStarted() {
			try {
				return this.started.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("Stream did not start: " + ex, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		synchronized List<SseEvent> events() {
			return List.copyOf(this.events);
		}

		synchronized int eventCount() {
			return this.events.size();
		}

		synchronized List<String> ids() {
			return this.events.stream().map(SseEvent::id).toList();
		}

		synchronized int commentCount() {
			return this.comments;
		}

		/**
		 * Returns the last event ID the parser committed, as a browser sends it when it
		 * reconnects.
		 */
		synchronized String lastEventId() {
			return this.lastEventId;
		}

		synchronized long bodyBytes() {
			return this.bodyBytes;
		}

		/** Tells whether the connection ended, by the server or by {@link #close()}. */
		boolean ended() {
			return this.ended;
		}

		/**
		 * Tells whether the server ended the response with its last chunk, not by
		 * dropping the connection.
		 */
		boolean endedCleanly() {
			return this.endedCleanly;
		}

		/**
		 * Shuts the socket's output down, as a client that half-closes; reading goes on.
		 */
		void shutdownOutput() {
			try {
				this.channel.shutdownOutput();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/**
		 * Stops reading once this many bytes of the body arrived; the rest waits in the
		 * socket.
		 */
		void pauseReadingAfter(long bodyBytes) {
			this.readLimit = bodyBytes;
			execute(this::updateInterest);
		}

		void resumeReading() {
			this.readLimit = Long.MAX_VALUE;
			execute(this::updateInterest);
		}

		/** Closes the socket; nothing more is parsed once it returns. */
		void close() {
			synchronized (this) {
				this.ended = true;
			}
			LoopbackClient.this.streams.remove(this);
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// closed anyway
			}
			// A channel registered with a selector keeps its socket open until the next
			// selection.
			selector().wakeup();
			this.started.completeExceptionally(new IOException("closed"));
		}

		private void register(int ops) {
			try {
				this.key = this.channel.register(selector(), ops, this);
			}
			catch (IOException ex) {
				close();
			}
		}

		private void ready(SelectionKey key) {
			try {
				if (key.isConnectable() && this.channel.finishConnect()) {
					key.interestOps(SelectionKey.OP_WRITE);
				}
				if (key.isValid() && key.isWritable()) {
					this.channel.write(this.request);
					if (!this.request.hasRemaining()) {
						updateInterest();
					}
				}
				if (key.isValid() && key.isReadable()) {
					read();
				}
			}
			catch (IOException | RuntimeException ex) {
				close();
			}
		}

		private void updateInterest() {
			SelectionKey key = this.key;
			if (key == null || !key.isValid() || this.request.hasRemaining()) {
				return;
			}
			key.interestOps((this.bodyBytes < this.readLimit) ? SelectionKey.OP_READ : 0);
		}

		private void read() throws IOException {
			ByteBuffer buffer = LoopbackClient.this.buffer;
			buffer.clear();
			if (this.state != HEADERS) {
				// Counts the chunk headers too: it stops near the limit, never past it.
				long wanted = this.readLimit - this.bodyBytes;
				if (wanted <= 0) {
					updateInterest();
					return;
				}
				if (wanted < buffer.capacity()) {
					buffer.limit((int) wanted);
				}
			}
			int n = this.channel.read(buffer);
			if (n < 0) {
				if (this.state == IDENTITY) {
					this.endedCleanly = true;
				}
				close();
				return;
			}
			buffer.flip();
			synchronized (this) {
				if (this.ended) {
					return;
				}
				decode(buffer);
				this.lastEventId = this.parser.lastEventId();
			}
			if (this.status == 200 && !this.lastEventId.isEmpty()) {
				this.started.complete(this.status);
			}
			if (this.state == DONE) {
				close();
				return;
			}
			updateInterest();
		}

		private void decode(ByteBuffer buffer) {
			while (buffer.hasRemaining()) {
				switch (this.state) {
					case HEADERS -> readHead(buffer);
					case CHUNK_SIZE -> readChunkSize(buffer.get());
					case CHUNK_DATA -> {
						int n = (int) Math.min(this.chunkLeft, buffer.remaining());
						body(buffer, n);
						this.chunkLeft -= n;
						if (this.chunkLeft == 0) {
							this.state = CHUNK_END;
						}
					}
					case CHUNK_END -> {
						if (buffer.get() == '\n') {
							this.state = CHUNK_SIZE;
						}
					}
					case IDENTITY -> body(buffer, buffer.remaining());
					default -> buffer.position(buffer.limit());
				}
			}
		}

		private void readHead(ByteBuffer buffer) {
			while (buffer.hasRemaining()) {
				this.head.append((char) (buffer.get() & 0xFF));
				if (endsWithBlankLine(this.head)) {
					String head = this.head.toString();
					this.status = Integer.parseInt(head.substring(9, 12));
					this.state = head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked\r\n")
							? CHUNK_SIZE : IDENTITY;
					if (this.status != 200) {
						this.started.complete(this.status);
					}
					return;
				}
			}
		}

		private static boolean endsWithBlankLine(CharSequence head) {
			int n = head.length();
			return n >= 4 && head.charAt(n - 4) == '\r' && head.charAt(n - 3) == '\n' && head.charAt(n - 2) == '\r'
					&& head.charAt(n - 1) == '\n';
		}

		private void readChunkSize(byte b) {
			if (b == '\n') {
				if (this.chunkSize == 0) {
					this.endedCleanly = true;
					this.state = DONE;
				}
				else {
					this.chunkLeft = this.chunkSize;
					this.chunkSize = 0;
					this.state = CHUNK_DATA;
				}
			}
			else if (b != '\r') {
				this.chunkSize = this.chunkSize * 16 + Character.digit(b, 16);
			}
		}

		private void body(ByteBuffer buffer, int length) {
			this.bodyBytes += length;
			if (this.status == 200) {
				ByteBuffer slice = buffer.slice();
				slice.limit(length);
				this.parser.feed(slice);
			}
			buffer.position(buffer.position() + length);
		}

	}

}
