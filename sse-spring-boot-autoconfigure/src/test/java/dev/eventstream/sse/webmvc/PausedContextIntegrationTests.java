package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.time.Duration;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three test classes in one run, the way a test suite meets a cached context: the first
 * and the third share a context, which the test framework pauses (stops) while the
 * second, with other properties, runs, and starts again for the third. The server must
 * stream again, not refuse every stream. (A short keep-alive lets each class's check that
 * every stream was released pass quickly.)
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class PausedContextIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Nested
	@Order(1)
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "sse.keep-alive=200ms")
	class First extends StreamsAnEvent {

	}

	@Nested
	@Order(2)
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "sse.keep-alive=200ms", "sse.retry=1s" })
	class Other extends StreamsAnEvent {

	}

	@Nested
	@Order(3)
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "sse.keep-alive=200ms")
	class FirstAgain extends StreamsAnEvent {

	}

	abstract static class StreamsAnEvent {

		@LocalServerPort
		private int port;

		@Autowired
		private SseServer<String> server;

		@RegisterExtension
		final OpenRecorders recorders = new OpenRecorders();

		@Test
		void streamsAnEvent() {
			assertThat(this.server.isRunning()).isTrue();
			EventStreamRecorder recorder = this.recorders
				.open(URI.create("http://127.0.0.1:" + this.port + "/rest/events?user=paused"));
			assertThat(recorder.response().statusCode()).isEqualTo(200);
			await().atMost(WAIT).until(() -> this.server.get("paused").isPresent());
			String id = this.server.broadcast(SseEvent.of("after a pause, as before"));
			await().atMost(WAIT).until(() -> recorder.eventCount() == 1);
			assertThat(recorder.events().get(0).id()).isEqualTo(id);
		}

	}

}
