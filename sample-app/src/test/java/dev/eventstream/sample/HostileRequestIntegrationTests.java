package dev.eventstream.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests to {@code GET /events} that no browser sends, over a raw socket: each gets a
 * {@code 4xx} (or, for {@code HEAD}, the stream's headers without a body), registers
 * nothing, and is not logged above {@code DEBUG}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class HostileRequestIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@ParameterizedTest
	@ValueSource(strings = { "user=u%ff", "user=%%%", "user=%e2%82", "user=ann&lastEventId=%c0" })
	void undecodableQueryIsBadRequestProblem(String query, CapturedOutput output) {
		int logged = output.length();
		String response = exchange("GET", "/events?" + query, "Accept: text/event-stream");
		assertThat(response).startsWith("HTTP/1.1 400 ").contains("Content-Type: application/problem+json");
		assertThat(this.server.connectionCount()).isZero();
		assertQuiet(output, logged);
	}

	@ParameterizedTest
	@ValueSource(strings = { "garbage", ";;;", "text/event-stream; q=abc" })
	void malformedAcceptIsNotAcceptable(String accept, CapturedOutput output) {
		int logged = output.length();
		assertThat(exchange("GET", "/events?user=ann", "Accept: " + accept)).startsWith("HTTP/1.1 406 ");
		assertThat(this.server.connectionCount()).isZero();
		assertQuiet(output, logged);
	}

	@Test
	void headAnswersTheStreamHeadersAndRegistersNothing(CapturedOutput output) {
		int logged = output.length();
		for (int i = 0; i < 20; i++) {
			String response = exchange("HEAD", "/events?user=ann", "Accept: text/event-stream");
			assertThat(response).startsWith("HTTP/1.1 200 ")
				.contains("Content-Type: text/event-stream;charset=UTF-8")
				.endsWith("\r\n\r\n");
		}
		assertThat(this.server.connectionCount()).isZero();
		assertQuiet(output, logged);
	}

	private static void assertQuiet(CapturedOutput output, int from) {
		assertThat(output.toString().substring(from)).doesNotContain(" WARN ")
			.doesNotContain(" ERROR ")
			.doesNotContain("\tat ");
	}

	/**
	 * Sends one request as it is, asking the server to close the connection, and reads
	 * the response.
	 */
	private String exchange(String method, String target, String header) {
		String request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
				+ "\r\nConnection: close\r\n" + header + "\r\n\r\n";
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			in.transferTo(response);
			return response.toString(StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
