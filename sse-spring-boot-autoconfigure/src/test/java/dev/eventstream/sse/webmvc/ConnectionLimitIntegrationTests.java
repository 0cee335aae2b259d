package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection limits on a real server: past them a new stream is refused with {@code 429}
 * or {@code 503}, a {@code Retry-After} header and a problem detail, and the open streams
 * go on.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.max-connections=3", "sse.max-connections-per-source=2", "sse.retry=1500ms",
				"sse.keep-alive=500ms", "spring.mvc.problemdetails.enabled=true" })
class ConnectionLimitIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	private final List<EventStreamRecorder> recorders = new ArrayList<>();

	@AfterEach
	void closeRecorders() {
		this.recorders.forEach(EventStreamRecorder::close);
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
	}

	@Test
	void answersTooManyRequestsPastPerSourceLimitAndKeepsOpenStreams() throws Exception {
		EventStreamRecorder tab1 = connect("/mvc/events", "alice");
		EventStreamRecorder tab2 = connect("/rest/events", "alice");
		awaitConnections(2);
		HttpResponse<String> refused = request("/rest/events?user=alice");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(refused.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(refused.body()).contains("\"status\":429").contains("Too many connections for this source");
		assertThat(this.server.connectionCount()).isEqualTo(2);
		assertThat(request("/mvc/events?user=alice").statusCode()).isEqualTo(429);
		this.server.broadcast(SseEvent.of("still streaming"));
		await().atMost(WAIT)
			.until(() -> tab1.data().contains("still streaming") && tab2.data().contains("still streaming"));
		assertThat(tab1.ended()).isFalse();
		assertThat(tab2.ended()).isFalse();
	}

	@Test
	void answersServiceUnavailablePastGlobalLimitUntilAConnectionCloses() throws Exception {
		connect("/rest/events", "alice");
		connect("/rest/events", "alice");
		EventStreamRecorder bob = connect("/rest/events", "bob");
		awaitConnections(3);
		HttpResponse<String> refused = request("/rest/events?user=carol");
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(refused.body()).contains("\"status\":503");
		assertThat(this.server.get("carol")).isEmpty();
		assertThat(this.server.connectionCount()).isEqualTo(3);
		bob.close();
		awaitConnections(2);
		EventStreamRecorder carol = connect("/rest/events", "carol");
		assertThat(carol.response().statusCode()).isEqualTo(200);
		awaitConnections(3);
	}

	private HttpResponse<String> request(String pathAndQuery) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Accept", "text/event-stream").timeout(WAIT).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	private EventStreamRecorder connect(String path, String user) {
		EventStreamRecorder recorder = EventStreamRecorder.open(uri(path + "?user=" + user));
		this.recorders.add(recorder);
		return recorder;
	}

	private void awaitConnections(int count) {
		await().atMost(WAIT).until(() -> this.server.connectionCount() == count);
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

}
