package dev.eventstream.sse.webmvc.slice;

import java.time.Duration;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @WebMvcTest} slice of a stream controller: the slice brings the
 * {@link SseServer} and the transport, configured from {@code sse.*} properties, as it
 * brings Spring MVC.
 */
@WebMvcTest(NotificationController.class)
@TestPropertySource(properties = "sse.retry=2s")
class WebMvcTestSliceTests {

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private SseServer<String> server;

	@Test
	void sliceStreamsTheControllersEvents() {
		MvcTestResult result = this.mvc.get()
			.uri("/notifications?user=slice")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.asyncExchange();
		assertThat(result).hasStatusOk().hasContentType("text/event-stream;charset=UTF-8");
		assertThat(result).bodyText().startsWith("retry: 2000\n");
		this.server.broadcast(SseEvent.of("sliced"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(result).bodyText().contains("data: sliced\n\n"));
		this.server.get("slice").orElseThrow().close();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.connectionCount() == 0);
	}

}
