package dev.eventstream.sse.webmvc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web server each test run uses (Tomcat by default, Jetty 12 in the {@code jetty}
 * run, named by the {@code sse.test.container} system property), and its connection
 * limit: at the SSE limit a new stream is refused with {@code 503} at once, while other
 * requests still get through.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"sse.max-connections=20", "sse.keep-alive=500ms", "management.endpoints.web.exposure.include=health" })
class ContainerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final LoopbackClient client = new LoopbackClient();

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Autowired
	private WebServerApplicationContext context;

	private final List<SocketChannel> idleConnections = new ArrayList<>();

	@AfterEach
	void closeIdleConnections() throws Exception {
		for (SocketChannel channel : this.idleConnections) {
			channel.close();
		}
	}

	@Test
	void runsOnTheContainerOfThisTestRun() {
		String container = System.getProperty("sse.test.container", "tomcat");
		String expected = container.equals("jetty") ? "org.springframework.boot.jetty.servlet.JettyServletWebServer"
				: "org.springframework.boot.tomcat.TomcatWebServer";
		assertThat(this.context.getWebServer().getClass().getName()).isEqualTo(expected);
	}

	@Test
	void refusesStreamsPastTheSseLimitAtOnceWhileOtherRequestsGetThrough() throws Exception {
		List<LoopbackClient.Stream> streams = IntStream.range(0, 20)
			.mapToObj((i) -> this.client.open("/rest/events?user=user" + i))
			.toList();
		streams.forEach((stream) -> assertThat(stream.awaitStarted()).isEqualTo(200));
		assertThat(this.server.connectionCount()).isEqualTo(20);
		// Connections that send nothing hold a slot of the web server, as slow clients
		// and idle keep-alive connections do.
		for (int i = 0; i < 50; i++) {
			this.idleConnections.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", this.port)));
		}
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		long start = System.nanoTime();
		HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri("/rest/events?user=late"))
			.header("Accept", "text/event-stream")
			.timeout(WAIT)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/actuator/health")).timeout(WAIT).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"");
		this.server.broadcast(SseEvent.of("still streaming"));
		await().atMost(WAIT)
			.until(() -> streams.stream()
				.allMatch((stream) -> stream.events()
					.stream()
					.anyMatch((event) -> event.data().equals("still streaming"))));
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

}
