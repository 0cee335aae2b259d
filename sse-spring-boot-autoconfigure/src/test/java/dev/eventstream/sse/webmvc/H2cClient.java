package dev.eventstream.sse.webmvc;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One event stream over HTTP/2 in clear text with prior knowledge, on a raw socket: the
 * connection preface, a {@code GET} on stream 1 and a reader thread that answers settings
 * and pings and, while it reads, opens the flow-control windows again. Nothing hides what
 * a test does to the connection: {@link #stopReading()} leaves every byte in the socket,
 * and {@link #close()} drops the TCP connection without a {@code GOAWAY} or
 * {@code RST_STREAM}, as a client that vanishes.
 */
final class H2cClient implements AutoCloseable {

	private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final int DATA = 0x0;

	private static final int HEADERS = 0x1;

	private static final int SETTINGS = 0x4;

	private static final int PING = 0x6;

	private static final int WINDOW_UPDATE = 0x8;

	private static final int ACK = 0x1;

	private static final int WINDOW_STEP = 16 * 1024;

	private final Socket socket;

	private final OutputStream out;

	private final ByteArrayOutputStream data = new ByteArrayOutputStream();

	private volatile boolean stopped;

	private H2cClient(Socket socket) throws IOException {
		this.socket = socket;
		this.out = socket.getOutputStream();
	}

	/**
	 * Connects and sends the request.
	 * @param port the server's port on {@code 127.0.0.1}
	 * @param pathAndQuery the request target
	 * @param receiveBufferSize the socket's receive buffer size, or 0 for the system's
	 * default
	 * @return the client
	 */
	static H2cClient open(int port, String pathAndQuery, int receiveBufferSize) {
		try {
			Socket socket = new Socket();
			if (receiveBufferSize > 0) {
				socket.setReceiveBufferSize(receiveBufferSize);
			}
			socket.connect(new InetSocketAddress("127.0.0.1", port));
			H2cClient client = new H2cClient(socket);
			client.start(port, pathAndQuery);
			return client;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Returns the body received so far, as text. */
	synchronized String body() {
		return this.data.toString(StandardCharsets.UTF_8);
	}

	/**
	 * Stops reading: what the server sends from now on waits in the socket and its
	 * windows stay shut.
	 */
	void stopReading() {
		this.stopped = true;
	}

	/** Drops the TCP connection at once. */
	@Override
	public void close() {
		this.stopped = true;
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
	}

	private void start(int port, String pathAndQuery) throws IOException {
		ByteArrayOutputStream block = new ByteArrayOutputStream();
		// Pseudo-header names only from the static table (RFC 7541, appendix A): :method
		// GET and :scheme http indexed whole, :authority (1) and :path (4) as indexed
		// names with literal values.
		block.write(0x82);
		block.write(0x86);
		block.write(0x01);
		string(block, "127.0.0.1:" + port);
		block.write(0x04);
		string(block, pathAndQuery);
		header(block, "accept", "text/event-stream");
		synchronized (this.out) {
			this.out.write(PREFACE);
			frame(SETTINGS, 0, 0, new byte[0]);
			// END_STREAM and END_HEADERS: a GET without a body, in one frame.
			frame(HEADERS, 0x5, 1, block.toByteArray());
			this.out.flush();
		}
		Thread reader = new Thread(this::read, "h2c-client");
		reader.setDaemon(true);
		reader.start();
	}

	private void read() {
		try {
			DataInputStream in = new DataInputStream(this.socket.getInputStream());
			int unacknowledged = 0;
			while (!this.stopped) {
				int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
				int type = in.readUnsignedByte();
				int flags = in.readUnsignedByte();
				int stream = in.readInt() & 0x7FFFFFFF;
				byte[] payload = new byte[length];
				in.readFully(payload);
				if (type == SETTINGS && (flags & ACK) == 0) {
					send(SETTINGS, ACK, 0, new byte[0]);
				}
				else if (type == PING && (flags & ACK) == 0) {
					send(PING, ACK, 0, payload);
				}
				else if (type == DATA && length > 0) {
					synchronized (this) {
						this.data.write(payload, 0, length);
					}
					unacknowledged += length;
					// In large steps: the server counts small window updates as abusive
					// overhead.
					if (!this.stopped && unacknowledged >= WINDOW_STEP) {
						send(WINDOW_UPDATE, 0, 0, increment(unacknowledged));
						send(WINDOW_UPDATE, 0, stream, increment(unacknowledged));
						unacknowledged = 0;
					}
				}
			}
		}
		catch (IOException ex) {
			// dropped by the server or by close()
		}
	}

	private void send(int type, int flags, int stream, byte[] payload) throws IOException {
		synchronized (this.out) {
			frame(type, flags, stream, payload);
			this.out.flush();
		}
	}

	private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
		int length = payload.length;
		this.out.write(new byte[] { (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type,
				(byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream });
		this.out.write(payload);
	}

	private static byte[] increment(int n) {
		return new byte[] { (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n };
	}

	/**
	 * An HPACK literal header field without indexing, with a literal name and no Huffman
	 * coding.
	 */
	private static void header(ByteArrayOutputStream block, String name, String value) {
		block.write(0);
		string(block, name);
		string(block, value);
	}

	private static void string(ByteArrayOutputStream block, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		int length = bytes.length;
		// A 7-bit prefix integer (RFC 7541, 5.1).
		if (length < 127) {
			block.write(length);
		}
		else {
			block.write(127);
			length -= 127;
			while (length >= 128) {
				block.write((length & 0x7F) | 0x80);
				length >>>= 7;
			}
			block.write(length);
		}
		block.write(bytes, 0, bytes.length);
	}

}
