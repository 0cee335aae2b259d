package dev.eventstream.benchmarks.raw;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The practical limit: one thread and one selector, the broadcast encoded once as a chunk
 * of an event-stream frame and written as is to every socket. No framework, no queue
 * unless a socket is full. Serves {@code GET /events?user=}, {@code POST /events} (the
 * body is the data) and {@code GET /bench/connections} (the count of open streams) on
 * 127.0.0.1.
 *
 * @since 0.1.0
 */
public final class RawSseServer {

	private static final byte[] STREAM_HEADERS = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream;charset=UTF-8\r\n"
			+ "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n")
		.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] ACCEPTED = "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
		.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NOT_FOUND = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
		.getBytes(StandardCharsets.US_ASCII);

	// A stream that falls this far behind is dropped, as any server must.
	private static final int MAX_PENDING_BYTES = 1 << 20;

	private final Selector selector;

	private final ServerSocketChannel listener;

	private final List<Connection> streams = new ArrayList<>();

	private RawSseServer(int port) throws IOException {
		this.selector = Selector.open();
		this.listener = ServerSocketChannel.open();
		this.listener.bind(new InetSocketAddress("127.0.0.1", port), 4096);
		this.listener.configureBlocking(false);
		this.listener.register(this.selector, SelectionKey.OP_ACCEPT);
	}

	/**
	 * Runs the server until the process ends.
	 * @param args {@code --port N}
	 * @throws IOException if the port cannot be bound
	 */
	public static void main(String[] args) throws IOException {
		int port = 8080;
		for (int i = 0; i + 1 < args.length; i++) {
			if (args[i].equals("--port")) {
				port = Integer.parseInt(args[i + 1]);
			}
		}
		RawSseServer server = new RawSseServer(port);
		System.out.println("Raw SSE server listening on 127.0.0.1:" + server.listener.socket().getLocalPort());
		server.run();
	}

	private void run() throws IOException {
		for (;;) {
			this.selector.select();
			Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
			while (keys.hasNext()) {
				SelectionKey key = keys.next();
				keys.remove();
				if (!key.isValid()) {
					continue;
				}
				if (key.isAcceptable()) {
					accept();
					continue;
				}
				Connection connection = (Connection) key.attachment();
				try {
					if (key.isWritable()) {
						connection.writePending();
					}
					if (key.isValid() && key.isReadable()) {
						read(connection);
					}
				}
				catch (IOException ex) {
					close(connection);
				}
			}
		}
	}

	private void accept() throws IOException {
		SocketChannel channel;
		while ((channel = this.listener.accept()) != null) {
			channel.configureBlocking(false);
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			Connection connection = new Connection(channel);
			connection.key = channel.register(this.selector, SelectionKey.OP_READ, connection);
		}
	}

	private void read(Connection connection) throws IOException {
		ByteBuffer in = connection.in;
		int read = connection.channel.read(in);
		if (read < 0) {
			close(connection);
			return;
		}
		if (connection.stream) {
			in.clear(); // a stream's client sends nothing more that matters
			return;
		}
		while (handleRequest(connection)) {
			// a keep-alive connection may hold the next request already
		}
		if (!in.hasRemaining()) {
			ByteBuffer larger = ByteBuffer.allocate(in.capacity() * 2);
			in.flip();
			larger.put(in);
			connection.in = larger;
		}
	}

	/**
	 * Handles one complete request at the start of the buffer; returns whether one was
	 * handled.
	 */
	private boolean handleRequest(Connection connection) throws IOException {
		ByteBuffer in = connection.in;
		byte[] bytes = in.array();
		int headEnd = indexOf(bytes, in.position(), "\r\n\r\n");
		if (headEnd < 0) {
			return false;
		}
		String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
		int bodyStart = headEnd + 4;
		if (head.startsWith("GET /events")) {
			connection.stream = true;
			in.clear();
			connection.index = this.streams.size();
			this.streams.add(connection);
			connection.send(ByteBuffer.wrap(STREAM_HEADERS));
			return false;
		}
		if (head.startsWith("POST /events")) {
			int length = contentLength(head);
			if (in.position() - bodyStart < length) {
				return false;
			}
			broadcast(frame(bytes, bodyStart, length));
			connection.send(ByteBuffer.wrap(ACCEPTED));
			int next = bodyStart + length;
			in.flip();
			in.position(next);
			in.compact();
			return in.position() > 0;
		}
		if (head.startsWith("GET /bench/connections")) {
			byte[] count = Integer.toString(this.streams.size()).getBytes(StandardCharsets.US_ASCII);
			connection.send(ByteBuffer
				.wrap(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + count.length + "\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII)));
			connection.send(ByteBuffer.wrap(count));
			in.flip();
			in.position(bodyStart);
			in.compact();
			return in.position() > 0;
		}
		connection.send(ByteBuffer.wrap(NOT_FOUND));
		close(connection);
		return false;
	}

	private void broadcast(byte[] frame) {
		for (int i = this.streams.size() - 1; i >= 0; i--) {
			Connection stream = this.streams.get(i);
			try {
				if (stream.pendingBytes + frame.length > MAX_PENDING_BYTES) {
					close(stream);
				}
				else {
					stream.send(ByteBuffer.wrap(frame));
				}
			}
			catch (IOException ex) {
				close(stream);
			}
		}
	}

	private void close(Connection connection) {
		if (connection.stream) {
			// Swap-remove: the broadcast loop runs backwards, so the element moved here
			// was visited.
			Connection last = this.streams.remove(this.streams.size() - 1);
			if (last != connection) {
				this.streams.set(connection.index, last);
				last.index = connection.index;
			}
			connection.stream = false;
		}
		if (connection.key != null) {
			connection.key.cancel();
		}
		try {
			connection.channel.close();
		}
		catch (IOException ex) {
			// nothing left to release
		}
	}

	/**
	 * Encodes the body as an event-stream frame inside one HTTP chunk: data lines, then a
	 * blank line.
	 */
	static byte[] frame(byte[] body, int offset, int length) {
		StringBuilder event = new StringBuilder(length + 16).append("data: ");
		String data = new String(body, offset, length, StandardCharsets.UTF_8);
		for (int i = 0; i < data.length(); i++) {
			char c = data.charAt(i);
			if (c == '\r') {
				if (i + 1 < data.length() && data.charAt(i + 1) == '\n') {
					i++;
				}
				event.append("\ndata: ");
			}
			else if (c == '\n') {
				event.append("\ndata: ");
			}
			else {
				event.append(c);
			}
		}
		byte[] payload = event.append("\n\n").toString().getBytes(StandardCharsets.UTF_8);
		byte[] size = (Integer.toHexString(payload.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
		byte[] chunk = new byte[size.length + payload.length + 2];
		System.arraycopy(size, 0, chunk, 0, size.length);
		System.arraycopy(payload, 0, chunk, size.length, payload.length);
		chunk[chunk.length - 2] = '\r';
		chunk[chunk.length - 1] = '\n';
		return chunk;
	}

	private static int contentLength(String head) {
		for (String line : head.split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
				return Integer.parseInt(line.substring(colon + 1).trim());
			}
		}
		return 0;
	}

	private static int indexOf(byte[] bytes, int limit, String target) {
		outer: for (int i = 0; i + target.length() <= limit; i++) {
			for (int j = 0; j < target.length(); j++) {
				if (bytes[i + j] != target.charAt(j)) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/**
	 * One client connection: a request being read, or an event stream with what its
	 * socket could not take yet.
	 */
	private static final class Connection {

		final SocketChannel channel;

		ByteBuffer in = ByteBuffer.allocate(1024);

		@Nullable SelectionKey key;

		boolean stream;

		int index;

		final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();

		int pendingBytes;

		Connection(SocketChannel channel) {
			this.channel = channel;
		}

		void send(ByteBuffer buffer) throws IOException {
			if (this.pending.isEmpty()) {
				this.channel.write(buffer);
				if (!buffer.hasRemaining()) {
					return;
				}
				SelectionKey key = Objects.requireNonNull(this.key);
				key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
			}
			this.pending.add(buffer);
			this.pendingBytes += buffer.remaining();
		}

		void writePending() throws IOException {
			ByteBuffer head;
			while ((head = this.pending.peek()) != null) {
				int written = this.channel.write(head);
				this.pendingBytes -= written;
				if (head.hasRemaining()) {
					return;
				}
				this.pending.poll();
			}
			SelectionKey key = Objects.requireNonNull(this.key);
			key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
		}

	}

}
