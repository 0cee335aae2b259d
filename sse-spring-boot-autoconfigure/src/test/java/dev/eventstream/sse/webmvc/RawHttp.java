package dev.eventstream.sse.webmvc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 request over a raw socket, written byte for byte as given, so that a test
 * can send what a well-behaved client never would: a {@code HEAD}, a malformed header or
 * a malformed query. The request asks the server to close the connection, and the
 * response is everything read until it does.
 */
final class RawHttp {

	private static final int TIMEOUT_MILLIS = 10_000;

	private RawHttp() {
	}

	/**
	 * Sends a request and reads its response.
	 * @param port the server's port on {@code 127.0.0.1}
	 * @param method the method
	 * @param target the request target, sent as it is
	 * @param headers extra header lines, each {@code Name: value}
	 * @return the response
	 */
	static Response exchange(int port, String method, String target, String... headers) {
		StringBuilder request = new StringBuilder(method).append(' ')
			.append(target)
			.append(" HTTP/1.1\r\nHost: 127.0.0.1:")
			.append(port)
			.append("\r\nConnection: close\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		request.append("\r\n");
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(TIMEOUT_MILLIS);
			socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
				response.write(buffer, 0, n);
			}
			return new Response(response.toString(StandardCharsets.ISO_8859_1));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A response as read: the head, then the body exactly as it came (chunked or not).
	 */
	record Response(String text) {

		int status() {
			return Integer.parseInt(this.text.substring(9, 12));
		}

		String head() {
			int end = this.text.indexOf("\r\n\r\n");
			return (end >= 0) ? this.text.substring(0, end + 2) : this.text;
		}

		String body() {
			int end = this.text.indexOf("\r\n\r\n");
			return (end >= 0) ? this.text.substring(end + 4) : "";
		}

		/** Returns the value of the first header with the given name, or {@code null}. */
		@Nullable String header(String name) {
			String prefix = "\r\n" + name.toLowerCase(Locale.ROOT) + ":";
			String head = head();
			int start = head.toLowerCase(Locale.ROOT).indexOf(prefix);
			if (start < 0) {
				return null;
			}
			int from = start + prefix.length();
			return head.substring(from, head.indexOf("\r\n", from)).trim();
		}

	}

}
