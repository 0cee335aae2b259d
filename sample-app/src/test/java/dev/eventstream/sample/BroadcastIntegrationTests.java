package dev.eventstream.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.client.SseClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example test of README: an application's own test that opens a stream with
 * {@link SseClient} and awaits what arrives.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BroadcastIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void broadcastReachesConnectedUser() throws Exception {
		BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
		try (SseClient client = SseClient.builder(URI.create("http://localhost:" + this.port + "/events?user=ann"))
			.listener(events::add)
			.build()) {
			client.connect();
			await().atMost(Duration.ofSeconds(5)).until(() -> client.readyState() == SseClient.ReadyState.OPEN);

			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/events"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"event\": \"greeting\", \"data\": \"hello\"}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(202);

			SseEvent event = events.poll(5, TimeUnit.SECONDS);
			assertThat(event).isNotNull();
			assertThat(event.event()).isEqualTo("greeting");
			assertThat(event.data()).isEqualTo("hello");
			assertThat(response.body()).contains(event.id());
		}
	}

}
