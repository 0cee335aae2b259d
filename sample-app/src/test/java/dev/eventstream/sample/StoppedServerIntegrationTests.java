package dev.eventstream.sample;

import java.net.http.HttpResponse;

import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static dev.eventstream.sample.SampleClient.assertProblem;
import static dev.eventstream.sample.SampleClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that race the graceful shutdown, once the SSE server stopped and before the
 * web server does: publishing and connecting both answer {@code 503} problem details with
 * {@code Retry-After}, never {@code 500}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
class StoppedServerIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	private SampleClient client;

	@BeforeEach
	void createClient() {
		this.client = new SampleClient(this.port);
	}

	@AfterEach
	void closeStreams() {
		this.client.close();
	}

	@Test
	void publishingAndConnectingAfterTheServerStoppedAreServiceUnavailable() {
		this.server.close();
		for (String path : new String[] { "/events", "/events/ann" }) {
			HttpResponse<String> response = this.client.postJson(path, body("greeting", "too late"));
			assertProblem(response, 503);
			assertThat(response.headers().firstValue("Retry-After")).as(path).hasValue("1");
		}
		HttpResponse<String> stream = this.client.get("/events?user=ann", "Accept", "text/event-stream");
		assertProblem(stream, 503);
		assertThat(stream.headers().firstValue("Retry-After")).hasValue("1");
	}

}
