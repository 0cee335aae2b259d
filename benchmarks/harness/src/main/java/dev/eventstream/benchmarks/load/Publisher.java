package dev.eventstream.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Publishes events with {@code POST /events} over one keep-alive HTTP/1.1 connection,
 * waiting for each answer before the next request, at a given rate or as fast as
 * possible. The body is the data as text, or for the sample app {@code {"data": TEXT}}.
 * Over the same connection, it also reads what a server answers to a {@code GET}.
 */
final class Publisher implements AutoCloseable {

	private static final long IDLE_RECONNECT_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final InetSocketAddress server;

	private final boolean json;

	private @Nullable Connection connection;

	// When the connection last carried an exchange, as System.nanoTime().
	private long lastUsedNanos;

	Publisher(InetSocketAddress server) {
		this(server, false);
	}

	Publisher(InetSocketAddress server, boolean json) {
		this.server = server;
		this.json = json;
	}

	/**
	 * Publishes up to {@code count} events of the phase at {@code perSecond} (0: as fast
	 * as possible), stopping at the time limit or at the first failure.
	 */
	PublishResult publish(Phase phase, int count, double perSecond, int payloadBytes, Duration limit) {
		Histogram postMicros = new Histogram();
		long start = System.nanoTime();
		long deadline = start + limit.toNanos();
		int acked = 0;
		String failure = null;
		long end = start;
		for (int i = 0; i < count; i++) {
			if (perSecond > 0) {
				long due = start + (long) (i * 1e9 / perSecond);
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
			}
			long now = System.nanoTime();
			if (now > deadline) {
				break;
			}
			try {
				int status = publishOne(phase, i, payloadBytes,
						Duration.ofNanos(Math.max(deadline - now, 1_000_000_000L)));
				end = System.nanoTime();
				postMicros.record((end - now) / 1000);
				if (status / 100 != 2) {
					failure = "POST answered " + status;
					break;
				}
				acked++;
			}
			catch (IOException ex) {
				end = System.nanoTime();
				failure = ((ex instanceof SocketTimeoutException) ? "POST timed out: " : "POST failed: ")
						+ ex.getMessage();
				disconnect();
				break;
			}
		}
		return new PublishResult(acked, end - start, postMicros, failure);
	}

	/**
	 * Publishes event {@code index} of the phase, recording when, and returns the
	 * answer's status.
	 */
	int publishOne(Phase phase, int index, int payloadBytes, Duration timeout) throws IOException {
		phase.publishedNanos.set(index, System.nanoTime());
		return post(phase.data(index, payloadBytes), timeout);
	}

	/**
	 * Publishes the phase's 64-byte events one by one until every stream received one, so
	 * that the server has registered every stream; returns whether that happened within
	 * the phase's capacity (and every answer was 2xx).
	 */
	boolean publishUntilEveryStreamHasOne(Phase phase, LoadGenerator generator, List<ClientStream> streams,
			Duration waitPerEvent) throws IOException {
		generator.begin(phase);
		for (int i = 0; i < phase.capacity; i++) {
			if (publishOne(phase, i, 64, Duration.ofSeconds(60)) / 100 != 2) {
				return false;
			}
			if (generator.awaitDelivery(streams, 1, waitPerEvent)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Sends {@code GET} for the path over the same connection and returns the answer's
	 * body.
	 * @throws IOException if the connection fails or the answer is not 2xx
	 */
	String get(String path, Duration timeout) throws IOException {
		Connection connection = connection(timeout);
		String head = "GET " + path + " HTTP/1.1\r\nHost: " + this.server.getHostString() + ":" + this.server.getPort()
				+ "\r\n\r\n";
		OutputStream out = connection.out();
		out.write(head.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		int status = readResponse(connection.in(), body);
		this.lastUsedNanos = System.nanoTime();
		if (status / 100 != 2) {
			throw new IOException("GET " + path + " answered " + status);
		}
		return body.toString(StandardCharsets.UTF_8);
	}

	/** Posts one body and returns the status, once the whole answer was read. */
	int post(String data, Duration timeout) throws IOException {
		if (this.json) {
			// The harness's data is digits, spaces and letters: nothing to escape.
			return post("/events", "application/json", "{\"data\":\"" + data + "\"}", timeout);
		}
		return post("/events", "text/plain;charset=UTF-8", data, timeout);
	}

	/**
	 * Posts one body to the path and returns the status, once the whole answer was read.
	 */
	int post(String path, String contentType, String data, Duration timeout) throws IOException {
		return exchange(path, contentType, data, timeout, null);
	}

	/**
	 * Posts one body to the path and returns the answer's status and body (UTF-8).
	 */
	Answer postForAnswer(String path, String contentType, String data, Duration timeout) throws IOException {
		ByteArrayOutputStream answer = new ByteArrayOutputStream();
		int status = exchange(path, contentType, data, timeout, answer);
		return new Answer(status, answer.toString(StandardCharsets.UTF_8));
	}

	private int exchange(String path, String contentType, String data, Duration timeout, @Nullable OutputStream answer)
			throws IOException {
		byte[] body = data.getBytes(StandardCharsets.UTF_8);
		Connection connection = connection(timeout);
		String head = "POST " + path + " HTTP/1.1\r\nHost: " + this.server.getHostString() + ":" + this.server.getPort()
				+ "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n";
		OutputStream out = connection.out();
		out.write(head.getBytes(StandardCharsets.US_ASCII));
		out.write(body);
		out.flush();
		int status = readResponse(connection.in(), answer);
		this.lastUsedNanos = System.nanoTime();
		return status;
	}

	/**
	 * Returns the keep-alive connection, or a new one: also when the last one was idle
	 * for a while, as between the sizes of a run, since a server closes an idle
	 * keep-alive connection after its own timeout (20 s to a minute) and the next POST
	 * would fail on it.
	 */
	private Connection connection(Duration timeout) throws IOException {
		if (this.connection != null && System.nanoTime() - this.lastUsedNanos > IDLE_RECONNECT_NANOS) {
			disconnect();
		}
		Connection connection = this.connection;
		if (connection == null) {
			Socket socket = new Socket();
			socket.setTcpNoDelay(true);
			socket.connect(this.server, 5000);
			connection = new Connection(socket, new BufferedInputStream(socket.getInputStream()),
					socket.getOutputStream());
			this.connection = connection;
		}
		connection.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
		return connection;
	}

	private int readResponse(InputStream in, @Nullable OutputStream answer) throws IOException {
		String statusLine = line(in);
		int status = Integer.parseInt(statusLine.substring(9, 12));
		long length = 0;
		boolean chunked = false;
		boolean close = false;
		for (String header = line(in); !header.isEmpty(); header = line(in)) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				length = Long.parseLong(lower.substring(15).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
			else if (lower.startsWith("connection:") && lower.contains("close")) {
				close = true;
			}
		}
		if (chunked) {
			for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0; size = Long
				.parseLong(line(in).split(";")[0].trim(), 16)) {
				copy(in, size, answer);
				line(in);
			}
			line(in);
		}
		else {
			copy(in, length, answer);
		}
		if (close) {
			disconnect();
		}
		return status;
	}

	/** Reads the bytes of a body, into the answer if there is one. */
	private static void copy(InputStream in, long bytes, @Nullable OutputStream answer) throws IOException {
		for (long left = bytes; left > 0; left--) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("Connection closed in a response body");
			}
			if (answer != null) {
				answer.write(b);
			}
		}
	}

	private static String line(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("Connection closed in a response");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	private void disconnect() {
		Connection connection = this.connection;
		this.connection = null;
		if (connection != null) {
			try {
				connection.socket().close();
			}
			catch (IOException ex) {
				// already gone
			}
		}
	}

	@Override
	public void close() {
		disconnect();
	}

	/**
	 * An answer read whole.
	 *
	 * @param status the status code
	 * @param body the body, decoded as UTF-8
	 */
	record Answer(int status, String body) {

	}

	/** The keep-alive connection and its streams. */
	private record Connection(Socket socket, InputStream in, OutputStream out) {

	}

	/**
	 * What a publishing run achieved: events acknowledged, how long it took, each POST's
	 * time.
	 */
	record PublishResult(int acked, long elapsedNanos, Histogram postMicros, @Nullable String failure) {

		double achievedRate() {
			return (this.elapsedNanos > 0) ? this.acked * 1e9 / this.elapsedNanos : 0;
		}

	}

}
