package dev.eventstream.sse.webmvc;

import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed requests to a stream endpoint on a real server, sent over a raw socket: each
 * is answered with a {@code 4xx}, registers nothing, and logs nothing above
 * {@code DEBUG}.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@ParameterizedTest
	@ValueSource(strings = { "garbage", ";;;", "text/event-stream; q=abc", "text/", "*/*;q=" })
	void malformedAcceptIsNotAcceptableWithoutLogging(String accept, CapturedOutput output) {
		int logged = output.length();
		for (String path : new String[] { "/rest/events", "/mvc/events" }) {
			RawHttp.Response response = RawHttp.exchange(this.port, "GET", path + "?user=accept", "Accept: " + accept);
			assertThat(response.status()).as(path).isEqualTo(406);
		}
		assertThat(this.server.get("accept")).isEmpty();
		assertThat(this.server.connectionCount()).isZero();
		QuietLog.assertQuiet(output, logged);
	}

	@ParameterizedTest
	@ValueSource(strings = { "user=u%ff", "user=%%%", "user=%", "user=%e2%82", "user=a&lastEventId=%c0%af" })
	void malformedQueryIsBadRequestWithoutLogging(String query, CapturedOutput output) {
		int logged = output.length();
		RawHttp.Response response = RawHttp.exchange(this.port, "GET", "/rest/events?" + query,
				"Accept: text/event-stream");
		assertThat(response.status()).isEqualTo(400);
		assertThat(this.server.connectionCount()).isZero();
		QuietLog.assertQuiet(output, logged);
	}

}
