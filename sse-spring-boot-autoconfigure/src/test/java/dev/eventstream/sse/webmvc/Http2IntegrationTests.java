package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams over HTTP/2 without TLS (h2c, reached by an HTTP/1.1 upgrade), on the web
 * server of the test run: events arrive, and a client that resets its stream is released.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.http2.enabled=true", "sse.keep-alive=500ms" })
class Http2IntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final OpenRecorders recorders = new OpenRecorders();

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Test
	void streamsEventsOverHttp2() {
		EventStreamRecorder alice = this.recorders.open(uri("/rest/events?user=alice"));
		EventStreamRecorder bob = this.recorders.open(uri("/mvc/events?user=bob"));
		assertThat(alice.response().version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(bob.response().version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(alice.response().headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 2);
		String first = this.server.broadcast(SseEvent.of("one"));
		this.server.send("bob", SseEvent.of("two"));
		await().atMost(WAIT).until(() -> alice.eventCount() == 1 && bob.eventCount() == 2);
		assertThat(alice.events()).extracting(SseEvent::id).containsExactly(first);
		assertThat(bob.data()).containsExactly("one", "two");
	}

	@Test
	void releasesStreamWhoseClientResetsIt() {
		EventStreamRecorder alice = this.recorders.open(uri("/rest/events?user=alice"));
		EventStreamRecorder bob = this.recorders.open(uri("/rest/events?user=bob"));
		assertThat(alice.response().version()).isEqualTo(HttpClient.Version.HTTP_2);
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 2);
		alice.close();
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 1);
		assertThat(this.server.get("alice")).isEmpty();
		this.server.broadcast(SseEvent.of("after"));
		await().atMost(WAIT).until(() -> bob.data().contains("after"));
		bob.close();
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

}
