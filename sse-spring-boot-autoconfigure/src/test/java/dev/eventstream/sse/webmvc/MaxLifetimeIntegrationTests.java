package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.client.EventQueue;
import dev.eventstream.sse.client.SseClient;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Maximum lifetime on a real server: streams end cleanly, and the project's client
 * reconnects with its {@code Last-Event-ID} and misses nothing published around the cuts.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.max-lifetime=700ms", "sse.retry=100ms", "sse.keep-alive=500ms" })
class MaxLifetimeIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Test
	void clientReconnectsAfterEachLifetimeAndMissesNothing() throws Exception {
		EventQueue events = new EventQueue();
		URI uri = URI.create("http://127.0.0.1:" + this.port + "/rest/events?user=fay");
		try (SseClient client = SseClient.builder(uri).listener(events).build()) {
			client.connect();
			await().atMost(WAIT).until(() -> this.server.get("fay").isPresent());
			long cutsBefore = this.server.closedConnections(CloseReason.LIFETIME);
			// Published every 5 ms for 2.5 s, across several cuts.
			List<String> sent = new ArrayList<>();
			ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
			try {
				publisher.scheduleAtFixedRate(
						() -> sent.add(this.server.broadcast(SseEvent.of("event " + sent.size()))), 0, 5,
						TimeUnit.MILLISECONDS);
				assertThat(publisher.awaitTermination(2500, TimeUnit.MILLISECONDS)).isFalse();
			}
			finally {
				publisher.shutdown();
				assertThat(publisher.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			}
			List<String> received = new ArrayList<>();
			while (received.size() < sent.size()) {
				received.add(events.next(WAIT).id());
			}
			assertThat(received).containsExactlyElementsOf(sent);
			assertThat(this.server.closedConnections(CloseReason.LIFETIME) - cutsBefore).isGreaterThanOrEqualTo(2);
			assertThat(client.readyState()).isNotEqualTo(SseClient.ReadyState.CLOSED);
		}
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
	}

}
