package dev.eventstream.sse.webmvc;

import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code HEAD} requests to a stream endpoint on a real server, over a raw socket:
 * answered with the headers a {@code GET} would get and no body, and never registered,
 * however many come.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.max-connections-per-source=2", "sse.keep-alive=500ms" })
@ExtendWith(OutputCaptureExtension.class)
class HeadRequestIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@RegisterExtension
	final LoopbackClient client = new LoopbackClient();

	@Test
	void headAnswersStreamHeadersWithoutBodyAndRegistersNothing(CapturedOutput output) {
		int logged = output.length();
		for (int i = 0; i < 50; i++) {
			String path = (i % 2 == 0) ? "/rest/events" : "/mvc/events";
			RawHttp.Response response = RawHttp.exchange(this.port, "HEAD", path + "?user=head",
					"Accept: text/event-stream");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.header("Content-Type")).isEqualTo("text/event-stream;charset=UTF-8");
			assertThat(response.header("Cache-Control")).isEqualTo("no-cache, no-transform");
			assertThat(response.header("Content-Length")).isNull();
			assertThat(response.body()).isEmpty();
		}
		assertThat(this.server.connectionCount()).isZero();
		assertThat(this.server.get("head")).isEmpty();
		// Not locked out: the per-source limit is 2.
		LoopbackClient.Stream first = this.client.open("/rest/events?user=head");
		LoopbackClient.Stream second = this.client.open("/rest/events?user=head");
		assertThat(first.awaitStarted()).isEqualTo(200);
		assertThat(second.awaitStarted()).isEqualTo(200);
		QuietLog.assertQuiet(output, logged);
	}

	@Test
	void headThatDoesNotAcceptEventStreamIsNotAcceptable() {
		RawHttp.Response response = RawHttp.exchange(this.port, "HEAD", "/rest/events?user=head",
				"Accept: application/json");
		assertThat(response.status()).isEqualTo(406);
		assertThat(this.server.connectionCount()).isZero();
	}

}
