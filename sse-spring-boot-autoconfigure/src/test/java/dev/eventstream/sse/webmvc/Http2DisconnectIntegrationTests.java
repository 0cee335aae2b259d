package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients over HTTP/2 in clear text that go away or stop reading: the streams are
 * released quietly, and the container never dispatches an ended stream to the error page
 * (which cannot write a problem detail into an event stream, and says so in a warning).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.http2.enabled=true", "sse.keep-alive=200ms", "sse.buffer-capacity=8",
				"server.tomcat.connection-timeout=2s" })
@ExtendWith(OutputCaptureExtension.class)
class Http2DisconnectIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Autowired
	private WebServerApplicationContext context;

	@Test
	void clientsThatVanishAreReleasedQuietly(CapturedOutput output) {
		int logged = output.length();
		List<H2cClient> clients = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			clients.add(H2cClient.open(this.port, "/rest/events?user=vanish-" + i, 0));
		}
		await().atMost(WAIT).until(() -> this.server.connectionCount() == clients.size());
		this.server.broadcast(SseEvent.of("before"));
		for (H2cClient client : clients) {
			await().atMost(WAIT).until(() -> client.body().contains("data: before\n"));
		}
		clients.forEach(H2cClient::close);
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
		QuietLog.assertStaysQuiet(output, logged);
	}

	@Test
	void streamsResetByTheClientAreReleasedQuietly(CapturedOutput output) {
		int logged = output.length();
		List<EventStreamRecorder> clients = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			// Upgraded from HTTP/1.1; closing the body resets the stream, the connection
			// stays.
			EventStreamRecorder client = EventStreamRecorder.open(
					URI.create("http://127.0.0.1:" + this.port + "/rest/events?user=reset-" + i), "Accept",
					"text/event-stream");
			assertThat(client.response().version()).isEqualTo(HttpClient.Version.HTTP_2);
			clients.add(client);
		}
		await().atMost(WAIT).until(() -> this.server.connectionCount() == clients.size());
		clients.forEach(EventStreamRecorder::close);
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
		QuietLog.assertStaysQuiet(output, logged);
	}

	@Test
	void stalledClientIsClosedByOverflowAndDroppedQuietly(CapturedOutput output) {
		int logged = output.length();
		long overflowsBefore = this.server.closedConnections(CloseReason.OVERFLOW);
		long socketsBefore = LoopbackClient.serverConnections(this.context);
		try (H2cClient stalled = H2cClient.open(this.port, "/rest/events?user=stalled", 4096)) {
			await().atMost(WAIT).until(() -> this.server.get("stalled").isPresent());
			stalled.stopReading();
			String payload = "x".repeat(16 * 1024);
			for (int i = 0; i < 1000 && this.server.get("stalled").isPresent(); i++) {
				this.server.broadcast(SseEvent.of(payload));
			}
			await().atMost(WAIT).until(() -> this.server.get("stalled").isEmpty());
			assertThat(this.server.closedConnections(CloseReason.OVERFLOW)).isEqualTo(overflowsBefore + 1);
			// The container gives up on the stalled connection after its timeouts.
			await().atMost(Duration.ofSeconds(90))
				.until(() -> LoopbackClient.serverConnections(this.context) <= socketsBefore);
		}
		QuietLog.assertStaysQuiet(output, logged);
	}

}
