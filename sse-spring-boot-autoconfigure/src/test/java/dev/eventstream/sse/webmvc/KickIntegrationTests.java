package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.client.EventQueue;
import dev.eventstream.sse.client.SseClient;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kicking a source on a real server: the project's client receives the close event,
 * reconnects, is answered {@code 204} and stops for good; once the refusal ends the
 * source may connect again.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.retry=200ms", "sse.keep-alive=500ms" })
class KickIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Test
	void kickedClientStopsWithNoContentAndMayConnectAfterTheRefusal() throws Exception {
		EventQueue events = new EventQueue();
		try (SseClient client = connect("/rest/events", "dan", events)) {
			await().atMost(WAIT).until(() -> client.readyState() == SseClient.ReadyState.OPEN);
			await().atMost(WAIT).until(() -> this.server.get("dan").isPresent());
			Duration refusal = Duration.ofSeconds(2);
			long kickedAt = System.nanoTime();
			this.server.kick("dan", refusal);
			assertThat(events.next(WAIT).event()).isEqualTo("close");
			SseClient.Termination reason = events.awaitClose(WAIT);
			assertThat(reason.kind()).isEqualTo(SseClient.Termination.Kind.HTTP_STATUS);
			assertThat(reason.statusCode()).isEqualTo(204);
			assertThat(client.readyState()).isEqualTo(SseClient.ReadyState.CLOSED);
			assertThat(this.server.get("dan")).isEmpty();
			// The refusal started a little after kickedAt.
			await().atMost(WAIT).until(() -> System.nanoTime() - kickedAt > refusal.plusMillis(200).toNanos());
			assertThat(this.server.get("dan")).isEmpty();
		}
		EventQueue again = new EventQueue();
		try (SseClient client = connect("/mvc/events", "dan", again)) {
			await().atMost(WAIT).until(() -> this.server.get("dan").isPresent());
			String id = this.server.send("dan", SseEvent.of("welcome back")).orElseThrow();
			assertThat(again.next(WAIT).id()).isEqualTo(id);
			assertThat(client.readyState()).isEqualTo(SseClient.ReadyState.OPEN);
		}
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
	}

	@Test
	void answersNoContentWithoutBodyToKickedSource() throws Exception {
		this.server.kick("eve", Duration.ofMinutes(1));
		for (String path : new String[] { "/mvc/events", "/rest/events" }) {
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(uri(path + "?user=eve"))
					.header("Accept", "text/event-stream")
					.timeout(WAIT)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(204);
			assertThat(response.body()).isEmpty();
			assertThat(response.headers().allValues("Content-Type"))
				.noneMatch((type) -> type.startsWith("text/event-stream"));
		}
		assertThat(this.server.get("eve")).isEmpty();
		assertThat(this.server.connectionCount()).isZero();
	}

	private SseClient connect(String path, String user, EventQueue events) {
		SseClient client = SseClient.builder(uri(path + "?user=" + user)).listener(events).build();
		client.connect();
		return client;
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

}
