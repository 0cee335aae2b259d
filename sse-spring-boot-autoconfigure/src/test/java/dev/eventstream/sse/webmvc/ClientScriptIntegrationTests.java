package dev.eventstream.sse.webmvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser client, {@code /sse/sse-client.js}, on a real server: served from the
 * starter's jar with revalidating cache headers, and not at all when
 * {@code sse.client-script.enabled=false}.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ClientScriptIntegrationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Test
	void servesTheModuleWithRevalidatingCacheHeaders() throws Exception {
		HttpResponse<String> response = get(this.port, "/sse/sse-client.js", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).matches("(text|application)/javascript.*"));
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
		assertThat(response.body()).contains("export class SharedEventSource extends EventTarget");
		String etag = response.headers().firstValue("ETag").orElseThrow();
		assertThat(etag).matches("\"[0-9a-f]{32}\"");

		HttpResponse<String> revalidated = get(this.port, "/sse/sse-client.js", etag);
		assertThat(revalidated.statusCode()).isEqualTo(304);
		assertThat(revalidated.body()).isEmpty();
	}

	@Test
	void servesNothingElseUnderItsPath() throws Exception {
		assertThat(get(this.port, "/sse/other.js", null).statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/META-INF/sse-client/sse-client.js", null).statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/sse-client.js", null).statusCode()).isEqualTo(404);
	}

	@Test
	void servesNothingWhenDisabled() throws Exception {
		try (RunningApplication application = RunningApplication.start("sse.client-script.enabled=false")) {
			assertThat(get(application.port(), "/sse/sse-client.js", null).statusCode()).isEqualTo(404);
		}
	}

	private HttpResponse<String> get(int port, String path, String ifNoneMatch) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
		if (ifNoneMatch != null) {
			request.header("If-None-Match", ifNoneMatch);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
