package dev.eventstream.sse.webmvc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.compression.enabled=true", "server.compression.min-response-size=1",
				"server.compression.mime-types=text/event-stream,application/json", "sse.keep-alive=500ms" })
@ExtendWith(OutputCaptureExtension.class)
class CompressionIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@RegisterExtension
	final OpenRecorders recorders = new OpenRecorders();

	@Test
	void sendsStreamUncompressedToClientThatAcceptsGzip() {
		assertStreamsPlainText("Accept-Encoding", "gzip");
	}

	@Test
	void sendsStreamUncompressedToClientThatAcceptsNoEncoding() {
		assertStreamsPlainText();
	}

	@Test
	void sendsStreamUncompressedToClientThatAcceptsGzipTransferCoding() throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout((int) WAIT.toMillis());
			socket.getOutputStream()
				.write(("GET /rest/events?user=te HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
						+ "TE: gzip\r\nConnection: TE\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			byte[] buffer = new byte[1024];
			while (!received.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
				int n = in.read(buffer);
				assertThat(n).isNotNegative();
				received.write(buffer, 0, n);
			}
			String head = received.toString(StandardCharsets.ISO_8859_1);
			assertThat(head).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("gzip");
			while (!received.toString(StandardCharsets.ISO_8859_1).contains("retry: 3000\n\n")) {
				int n = in.read(buffer);
				assertThat(n).isNotNegative();
				received.write(buffer, 0, n);
			}
		}
		await().atMost(WAIT).until(() -> this.server.get("te").isEmpty());
	}

	@Test
	void compressesOtherResponsesOfTheListedTypes() throws Exception {
		HttpResponse<byte[]> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri("/actuator/health"))
				.header("Accept", "application/json")
				.header("Accept-Encoding", "gzip")
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
		try (GZIPInputStream body = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
			assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("\"status\"");
		}
	}

	@Test
	void warnsAtStartUpThatEventStreamIsListedForCompression(CapturedOutput output) {
		assertThat(output.getAll().lines().filter((line) -> line.contains("'server.compression.mime-types'")))
			.singleElement()
			.asString()
			.contains("WARN")
			.contains("text/event-stream");
	}

	private void assertStreamsPlainText(String... headers) {
		EventStreamRecorder recorder = this.recorders.open(uri("/rest/events?user=zipped"), headers);
		HttpResponse<?> response = recorder.response();
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream;charset=UTF-8");
		assertThat(response.headers().allValues("Content-Encoding")).isEmpty();
		assertThat(response.headers().allValues("Transfer-Encoding")).allMatch("chunked"::equalsIgnoreCase);
		await().atMost(WAIT).until(() -> recorder.raw().length() > 0);
		assertThat(recorder.raw()).startsWith("retry: 3000\n\nid: ");
		String id = this.server.broadcast(SseEvent.of("greeting", "hello"));
		await().atMost(WAIT).until(() -> recorder.eventCount() == 1);
		assertThat(recorder.events()).containsExactly(new SseEvent(id, "greeting", "hello", null, null));
		assertThat(recorder.raw()).contains("event: greeting\nid: " + id + "\ndata: hello\n\n");
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

}
