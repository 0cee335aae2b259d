package dev.eventstream.sse.webmvc;

import java.time.Duration;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Streams tested with {@link MockMvc} and {@link MockMvcTester}, without a server: a mock
 * response supports no non-blocking writes, so the stream writes straight into it.
 */
@SpringBootTest(classes = TestApplication.class)
@AutoConfigureMockMvc
class SseStreamMockMvcTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	private MockMvc mockMvc;

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private SseServer<String> server;

	@AfterEach
	void closeSources() {
		this.server.sources().forEach(SseSource::close);
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
	}

	@Test
	void mockMvcReceivesTheStream() throws Exception {
		for (String path : new String[] { "/rest/events", "/mvc/events" }) {
			MvcResult result = this.mockMvc.perform(get(path + "?user=mock").accept(MediaType.TEXT_EVENT_STREAM))
				.andExpect(request().asyncStarted())
				.andExpect(status().isOk())
				.andExpect(content().contentType("text/event-stream;charset=UTF-8"))
				.andExpect(header().string("Cache-Control", "no-cache, no-transform"))
				.andReturn();
			assertThat(result.getResponse().getContentAsString()).startsWith("retry: 3000\n");
			String id = this.server.broadcast(SseEvent.of("greeting", "hello " + path));
			await().atMost(WAIT)
				.until(() -> result.getResponse().getContentAsString(),
						(content) -> content.contains("event: greeting\nid: " + id + "\ndata: hello " + path + "\n\n"));
			this.server.get("mock").orElseThrow().close();
			await().atMost(WAIT).until(() -> !result.getRequest().isAsyncStarted());
			assertThat(result.getResponse().getContentAsString()).contains("event: close\n");
		}
	}

	@Test
	void mockMvcTesterReceivesTheStream() {
		MvcTestResult result = this.mvc.get()
			.uri("/rest/events?user=tester")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.asyncExchange();
		assertThat(result).hasStatusOk().hasContentType("text/event-stream;charset=UTF-8");
		assertThat(result.getMvcResult().getRequest().isAsyncStarted()).isTrue();
		this.server.send("tester", SseEvent.of("only for you"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(result).bodyText().contains("data: only for you\n\n"));
	}

	@Test
	void refusalsAreAnsweredAsOnARealServer() {
		assertThat(this.mvc.get().uri("/rest/events?user=json").accept(MediaType.APPLICATION_JSON)).hasStatus(406);
		assertThat(this.server.connectionCount()).isZero();
	}

}
