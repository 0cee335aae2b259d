package dev.eventstream.sse.webmvc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that misbehave at the socket level on a real server: one that half-closes its
 * side of the connection, and one that stops reading in the middle of a large event.
 * Tomcat's connection timeout, which bounds how long it keeps trying to write to a client
 * that does not read, is short here.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.keep-alive=200ms", "sse.buffer-capacity=8", "server.tomcat.connection-timeout=2s" })
@ExtendWith(OutputCaptureExtension.class)
class SlowClientIntegrationTests {

	private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

	@Autowired
	private SseServer<String> server;

	@Autowired
	private WebServerApplicationContext context;

	@RegisterExtension
	final LoopbackClient client = new LoopbackClient();

	@Test
	void halfClosedClientKeepsReceivingEvents() {
		long clientClosesBefore = this.server.closedConnections(CloseReason.CLIENT);
		LoopbackClient.Stream stream = this.client.open("/rest/events?user=half");
		assertThat(stream.awaitStarted()).isEqualTo(200);
		stream.shutdownOutput();
		long halfClosed = System.nanoTime();
		// Keep-alive writes go on after the half-close, for longer than Tomcat's
		// connection timeout: neither the server nor Tomcat took it for an error or the
		// end of the stream.
		await().atMost(LoopbackClient.WAIT)
			.until(() -> System.nanoTime() - halfClosed > CONNECTION_TIMEOUT.toNanos() * 3 / 2
					&& stream.commentCount() >= 10);
		List<String> ids = IntStream.range(0, 10)
			.mapToObj((i) -> this.server.broadcast(SseEvent.of("half " + i)))
			.toList();
		await().atMost(LoopbackClient.WAIT).until(() -> stream.eventCount() == ids.size());
		assertThat(stream.ids()).containsExactlyElementsOf(ids);
		assertThat(stream.ended()).isFalse();
		assertThat(this.server.get("half")).isPresent();
		stream.close();
		await().atMost(LoopbackClient.WAIT).until(() -> this.server.get("half").isEmpty());
		assertThat(this.server.closedConnections(CloseReason.CLIENT)).isEqualTo(clientClosesBefore + 1);
	}

	@Test
	void clientThatStopsReadingMidFrameIsClosedByOverflowAndCatchesUpWhileOthersReceiveEverything(
			CapturedOutput output) {
		int logged = output.length();
		long overflowsBefore = this.server.closedConnections(CloseReason.OVERFLOW);
		long socketsBefore = LoopbackClient.serverConnections(this.context);
		LoopbackClient.Stream reader = this.client.open("/rest/events?user=reader");
		LoopbackClient.Stream stalled = this.client.open("/rest/events?user=stalled", 4096);
		assertThat(reader.awaitStarted()).isEqualTo(200);
		assertThat(stalled.awaitStarted()).isEqualTo(200);
		// In the middle of the first event, which is far larger than that.
		stalled.pauseReadingAfter(stalled.bodyBytes() + 1000);
		String payload = "x".repeat(64 * 1024);
		List<String> published = new ArrayList<>();
		// The stalled client's socket buffers fill up first, then its 8 queued frames
		// overflow: a few megabytes. Paced by the reader, whose queue must never fill.
		for (int i = 0; i < 1000 && this.server.get("stalled").isPresent(); i++) {
			published.add(this.server.broadcast(SseEvent.of(payload)));
			int count = published.size();
			await().atMost(LoopbackClient.WAIT)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(5))
				.until(() -> reader.eventCount() >= count - 4);
		}
		assertThat(this.server.get("stalled")).isEmpty();
		assertThat(this.server.closedConnections(CloseReason.OVERFLOW)).isEqualTo(overflowsBefore + 1);
		assertThat(this.server.connectionCount()).isOne();
		List<String> later = IntStream.range(0, 5)
			.mapToObj((i) -> this.server.broadcast(SseEvent.of("later " + i)))
			.toList();
		published.addAll(later);
		await().atMost(LoopbackClient.WAIT).until(() -> reader.eventCount() == published.size());
		assertThat(reader.ids()).containsExactlyElementsOf(published);
		assertThat(reader.ended()).isFalse();
		// The response was completed at the overflow; Tomcat drops the socket, with the
		// bytes it still holds, once the client did not read for its connection timeout.
		await().atMost(LoopbackClient.WAIT)
			.until(() -> LoopbackClient.serverConnections(this.context) <= socketsBefore + 1);
		// Nor does the container dispatch the ended stream to the error page when it
		// drops the socket.
		QuietLog.assertStaysQuiet(output, logged);
		// The stalled client gets what reached its socket, the last event maybe cut off
		// and never dispatched, then the end; it resumes from its last event id and
		// history fills the gap.
		stalled.resumeReading();
		await().atMost(LoopbackClient.WAIT).until(stalled::ended);
		List<String> received = stalled.ids();
		assertThat(received).isNotEmpty().isEqualTo(published.subList(0, received.size()));
		LoopbackClient.Stream resumed = this.client.open("/rest/events?user=stalled", "Last-Event-ID",
				stalled.lastEventId());
		assertThat(resumed.awaitStarted()).isEqualTo(200);
		await().atMost(LoopbackClient.WAIT).until(() -> resumed.eventCount() >= published.size() - received.size());
		assertThat(resumed.ids()).containsExactlyElementsOf(published.subList(received.size(), published.size()));
	}

}
