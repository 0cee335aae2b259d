package dev.eventstream.sse.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import org.jspecify.annotations.Nullable;

/**
 * A deliberately plain HTTP/1.1 server on 127.0.0.1 that answers each connection with the
 * next {@link Script}, writing raw bytes, and records every request it reads. Once the
 * scripts run out, it answers 204.
 */
final class ScriptedServer implements AutoCloseable {

	private static final int MAX_HEADER_BYTES = 16 * 1024;

	private final ServerSocket serverSocket;

	private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile long connectionsClosedNanos;

	private ScriptedServer() throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "scripted-server-" + this.serverSocket.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	static ScriptedServer start(Script... scripts) throws IOException {
		ScriptedServer server = new ScriptedServer();
		server.scripts.addAll(List.of(scripts));
		return server;
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/events");
	}

	List<Request> requests() {
		return List.copyOf(this.requests);
	}

	/**
	 * Returns when the last scripted exchange closed its connection, from
	 * {@link System#nanoTime()}.
	 */
	long lastClosedNanos() {
		return this.connectionsClosedNanos;
	}

	/**
	 * Stops accepting, so that new connections are refused, and closes every open
	 * connection.
	 */
	@Override
	public void close() throws IOException {
		this.serverSocket.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				this.sockets.add(socket);
				Thread handler = new Thread(() -> handle(socket), "scripted-exchange");
				handler.setDaemon(true);
				handler.start();
			}
			catch (IOException ex) {
				// Closed: the loop ends.
			}
		}
	}

	private void handle(Socket socket) {
		try (socket) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(5000);
			Request request = readRequest(socket.getInputStream());
			this.requests.add(request);
			Script script = this.scripts.poll();
			Exchange exchange = new Exchange(socket, request);
			if (script != null) {
				script.run(exchange);
			}
			else {
				exchange.respond(204, null);
			}
		}
		catch (IOException ex) {
			// The client went away, or the test closed the server.
		}
		finally {
			this.connectionsClosedNanos = System.nanoTime();
		}
	}

	private static Request readRequest(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < end.length && head.size() < MAX_HEADER_BYTES) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("request ended early");
			}
			head.write(b);
			matched = (b == end[matched]) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		return new Request(lines[0], headers, System.nanoTime());
	}

	/**
	 * What the server does with one connection.
	 */
	@FunctionalInterface
	interface Script {

		void run(Exchange exchange) throws IOException;

	}

	/**
	 * A request as read by the server.
	 */
	record Request(String requestLine, Map<String, String> headers, long receivedNanos) {

		@Nullable String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

	}

	/**
	 * One connection, for a script to answer.
	 */
	static final class Exchange {

		private final Socket socket;

		private final Request request;

		private final OutputStream out;

		Exchange(Socket socket, Request request) throws IOException {
			this.socket = socket;
			this.request = request;
			this.out = socket.getOutputStream();
		}

		Request request() {
			return this.request;
		}

		/**
		 * Writes a status line and headers; the body, if any, lasts until the connection
		 * closes.
		 */
		void respond(int status, @Nullable String contentType) throws IOException {
			StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" Scripted\r\n");
			if (contentType != null) {
				head.append("Content-Type: ").append(contentType).append("\r\n");
			}
			if (status == 204) {
				head.append("\r\n");
			}
			else {
				head.append("Cache-Control: no-cache\r\nConnection: close\r\n\r\n");
			}
			write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
		}

		/**
		 * Writes the head of a kept-alive {@code text/event-stream} response with a
		 * chunked body.
		 */
		void respondChunked() throws IOException {
			write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
		}

		/** Writes one HTTP chunk of a chunked body. */
		void writeChunk(byte[] bytes) throws IOException {
			write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
			write(bytes);
			write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
		}

		void respondEventStream() throws IOException {
			respond(200, "text/event-stream");
		}

		void write(String text) throws IOException {
			write(text.getBytes(StandardCharsets.UTF_8));
		}

		void write(byte[] bytes) throws IOException {
			this.out.write(bytes);
			this.out.flush();
		}

		/**
		 * Writes one byte at a time, each flushed on its own, so that every byte is its
		 * own TCP segment.
		 */
		void writeByteByByte(byte[] bytes) throws IOException {
			for (byte b : bytes) {
				this.out.write(b);
				this.out.flush();
			}
		}

		/**
		 * Waits for the client to close the connection, reading and dropping anything it
		 * sends.
		 * @return whether the client closed it within the timeout
		 */
		boolean awaitPeerClose(Duration timeout) throws IOException {
			long deadline = System.nanoTime() + timeout.toNanos();
			InputStream in = this.socket.getInputStream();
			while (System.nanoTime() < deadline) {
				this.socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
				try {
					if (in.read() < 0) {
						return true;
					}
				}
				catch (SocketTimeoutException ex) {
					return false;
				}
				catch (SocketException ex) {
					// A reset is a close as well.
					return true;
				}
			}
			return false;
		}

	}

}
