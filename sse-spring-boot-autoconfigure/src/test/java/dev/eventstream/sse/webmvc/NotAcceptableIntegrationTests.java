package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that does not accept {@code text/event-stream}, with problem details on: a
 * {@code 406} whose body says so, and nothing registered. Without problem details the
 * status alone is checked by {@link SseStreamIntegrationTests}.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.mvc.problemdetails.enabled=true")
class NotAcceptableIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Test
	void answersNotAcceptableWithProblemDetail() throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/rest/events?user=json"))
			.header("Accept", "application/json")
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(406);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).contains("json"));
		assertThat(response.body()).contains("\"status\":406").contains("\"title\":\"Not Acceptable\"");
		assertThat(this.server.get("json")).isEmpty();
	}

}
