package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cross-origin {@code EventSource} with credentials ({@code withCredentials: true}):
 * the CORS headers are on the event-stream response although the handler starts async
 * processing, and a disallowed origin is refused before any stream is registered.
 */
@SpringBootTest(classes = { TestApplication.class, CorsIntegrationTests.CrossOriginController.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sse.keep-alive=500ms")
class CorsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@RegisterExtension
	final OpenRecorders recorders = new OpenRecorders();

	@Test
	void allowedOriginWithCredentialsGetsCorsHeadersOnEventStream() {
		EventStreamRecorder recorder = this.recorders.open(uri("/cors/events?user=ann"), "Accept", "text/event-stream",
				"Origin", "https://app.example");
		HttpResponse<?> response = recorder.response();
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream;charset=UTF-8");
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
		assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
		assertThat(response.headers().allValues("Vary")).anySatisfy((vary) -> assertThat(vary).contains("Origin"));
		await().atMost(WAIT).until(() -> this.server.get("ann").isPresent());
		this.server.newEvent("note").sendTo("ann", "hello");
		await().atMost(WAIT).until(() -> recorder.eventCount() == 1);
		assertThat(recorder.data()).containsExactly("hello");
	}

	@Test
	void disallowedOriginIsRefused403AndRegistersNothing() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(uri("/cors/events?user=eve"))
			.header("Accept", "text/event-stream")
			.header("Origin", "https://evil.example")
			.timeout(WAIT)
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(this.server.get("eve")).isEmpty();
		assertThat(this.server.connectionCount()).isZero();
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	@RestController
	@CrossOrigin(origins = "https://app.example", allowCredentials = "true")
	static class CrossOriginController {

		private final SseServer<String> server;

		CrossOriginController(SseServer<String> server) {
			this.server = server;
		}

		@GetMapping("/cors/events")
		SseStream<String> events(@RequestParam String user,
				@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
			return this.server.connect(user, lastEventId);
		}

	}

}
