package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Checks the meters, the {@code sse} endpoint and the health component against a real
 * server and real clients.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.keep-alive=300ms", "sse.buffer-capacity=32",
				"management.endpoints.web.exposure.include=sse,health",
				"management.endpoint.health.show-details=always" })
class SseMetricsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Autowired
	private MeterRegistry registry;

	@RegisterExtension
	final OpenRecorders recorders = new OpenRecorders();

	@Test
	void countsPublishingDeliveryAndClosesOfAScriptedSession() throws IOException {
		double delivered = counter("sse.events.delivered");
		long latencies = latency().count();
		double closedByClient = closed("client");
		double closedByOverflow = closed("overflow");
		long queued = queueDepth().count();

		List<EventStreamRecorder> clients = List.of(connect("m1"), connect("m2"), connect("m3"));
		awaitConnections(3);
		assertThat(gauge("sse.connections")).isEqualTo(3);
		assertThat(gauge("sse.sources")).isEqualTo(3);
		for (int i = 0; i < 5; i++) {
			this.server.broadcast(SseEvent.of("tick", "tick " + i));
		}
		for (EventStreamRecorder client : clients) {
			await().atMost(WAIT).until(() -> client.eventCount() == 5);
		}
		assertThat(counter("sse.events.published", "event", "tick")).isEqualTo(5);
		await().atMost(WAIT).until(() -> counter("sse.events.delivered") == delivered + 15);
		await().atMost(WAIT).until(() -> latency().count() == latencies + 15);
		assertThat(queueDepth().count()).isEqualTo(queued + 15);
		assertThat(queueDepth().max()).isGreaterThanOrEqualTo(1);

		clients.get(2).close();
		awaitConnections(2);
		assertThat(closed("client")).isEqualTo(closedByClient + 1);
		assertThat(gauge("sse.connections")).isEqualTo(2);
		assertThat(gauge("sse.sources")).isEqualTo(2);

		int published = overflowOneStalledClient(clients.subList(0, 2));
		assertThat(counter("sse.events.published", "event", "big")).isEqualTo(published);
		assertThat(closed("overflow")).isEqualTo(closedByOverflow + 1);
		assertThat(closed("client")).isEqualTo(closedByClient + 1);
		assertThat(gauge("sse.connections")).isEqualTo(2);
		assertThat(gauge("sse.sources")).isEqualTo(2);
		// The two readers received every event; the stalled client took some before it
		// stopped reading.
		await().atMost(WAIT).until(() -> counter("sse.events.delivered") >= delivered + 15 + 2 * published);
		await().atMost(WAIT)
			.until(() -> latency().count() == (long) (counter("sse.events.delivered")) - delivered + latencies);
		assertThat(latency().max(TimeUnit.NANOSECONDS)).isPositive();
		assertThat(queueDepth().max()).isGreaterThan(1);
	}

	@Test
	void countsReplayedEventsOfReconnectingClient() {
		double replayed = counter("sse.replay.events");
		double delivered = counter("sse.events.delivered");
		String first = this.server.broadcast(SseEvent.of("r", "one"));
		this.server.broadcast(SseEvent.of("r", "two"));
		this.server.broadcast(SseEvent.of("r", "three"));
		EventStreamRecorder client = connect("replayer", "Last-Event-ID", first);
		await().atMost(WAIT).until(() -> client.eventCount() == 2);
		assertThat(client.data()).containsExactly("two", "three");
		assertThat(counter("sse.replay.events")).isEqualTo(replayed + 2);
		assertThat(counter("sse.events.published", "event", "r")).isEqualTo(3);
		this.server.broadcast(SseEvent.of("r", "four"));
		await().atMost(WAIT).until(() -> client.eventCount() == 3);
		await().atMost(WAIT).until(() -> counter("sse.events.delivered") == delivered + 1);
	}

	@Test
	void countsUnnamedEventsAsMessage() {
		double before = counter("sse.events.published", "event", "message");
		this.server.broadcast(SseEvent.of("no name"));
		assertThat(counter("sse.events.published", "event", "message")).isEqualTo(before + 1);
	}

	@Test
	void describesSourcesAtSseEndpoint() throws Exception {
		EventStreamRecorder first = connect("ep-ann");
		EventStreamRecorder second = connect("ep-ann");
		EventStreamRecorder bob = connect("ep-bob");
		awaitConnections(3);
		String id = this.server.send("ep-ann", SseEvent.of("for ann")).orElseThrow();
		await().atMost(WAIT).until(() -> first.eventCount() == 1 && second.eventCount() == 1);
		HttpResponse<String> response = get("/actuator/sse");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = JsonMapper.builder().build().readTree(response.body());
		assertThat(body.get("open").asBoolean()).isTrue();
		assertThat(body.get("connections").asInt()).isEqualTo(3);
		assertThat(body.get("sourceCount").asInt()).isEqualTo(2);
		Map<String, JsonNode> sources = new HashMap<>();
		body.get("sources").forEach((source) -> sources.put(source.get("id").asString(), source));
		assertThat(sources).containsOnlyKeys("ep-ann", "ep-bob");
		assertThat(sources.get("ep-ann").get("connections").asInt()).isEqualTo(2);
		assertThat(sources.get("ep-ann").get("lastEventId").asString()).isEqualTo(id);
		assertThat(sources.get("ep-ann").get("queuedFrames").asInt()).isZero();
		assertThat(sources.get("ep-bob").get("connections").asInt()).isEqualTo(1);
		assertThat(bob.eventCount()).isZero();
	}

	@Test
	void reportsHealthUpWithConnections() throws Exception {
		connect("healthy");
		awaitConnections(1);
		HttpResponse<String> response = get("/actuator/health/sse");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = JsonMapper.builder().build().readTree(response.body());
		assertThat(body.get("status").asString()).isEqualTo("UP");
		assertThat(body.get("details").get("connections").asInt()).isEqualTo(1);
		assertThat(body.get("details").get("sources").asInt()).isEqualTo(1);
	}

	/**
	 * Connects a raw client that never reads and publishes large events, paced so that
	 * the readers keep up, until the stalled client's buffer overflows; returns the
	 * number of events published.
	 */
	private int overflowOneStalledClient(List<EventStreamRecorder> readers) throws IOException {
		try (Socket stalled = new Socket("127.0.0.1", this.port)) {
			stalled.setReceiveBufferSize(4096);
			OutputStream out = stalled.getOutputStream();
			out.write(("GET /rest/events?user=stalled HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			await().atMost(WAIT).until(() -> this.server.get("stalled").isPresent());
			int before = readers.get(0).eventCount();
			String payload = "x".repeat(16 * 1024);
			int published = 0;
			while (this.server.get("stalled").isPresent()) {
				assertThat(published).as("events published before the stalled client overflowed").isLessThan(5000);
				this.server.broadcast(SseEvent.of("big", payload));
				published++;
				if (published % 8 == 0) {
					int expected = before + published - 8;
					for (EventStreamRecorder reader : readers) {
						await().atMost(WAIT)
							.pollDelay(Duration.ZERO)
							.pollInterval(Duration.ofMillis(1))
							.until(() -> reader.eventCount() >= expected);
					}
				}
			}
			int total = before + published;
			for (EventStreamRecorder reader : readers) {
				await().atMost(WAIT).until(() -> reader.eventCount() == total);
			}
			return published;
		}
	}

	private double counter(String name, String... tags) {
		Counter counter = this.registry.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double closed(String reason) {
		FunctionCounter counter = this.registry.get("sse.connections.closed").tag("reason", reason).functionCounter();
		return counter.count();
	}

	private double gauge(String name) {
		Gauge gauge = this.registry.get(name).gauge();
		return gauge.value();
	}

	private Timer latency() {
		return this.registry.get("sse.delivery.latency").timer();
	}

	private DistributionSummary queueDepth() {
		return this.registry.get("sse.queue.depth").summary();
	}

	private EventStreamRecorder connect(String user, String... headers) {
		return this.recorders.open(uri("/rest/events?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)),
				headers);
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private void awaitConnections(int count) {
		await().atMost(WAIT).until(() -> this.server.connectionCount() == count);
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

}
