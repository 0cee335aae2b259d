package dev.eventstream.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.eventstream.sample.EventStreamRecorder.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;

import static dev.eventstream.sample.SampleClient.assertProblem;
import static dev.eventstream.sample.SampleClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Checks the parts of the sample app's HTTP contract ({@code CONTRACT.md}) about the life
 * of a connection: keep-alive, release of vanished clients, the connection gauge, the
 * "events were missed" signal and slow clients. Runs with a short keep-alive and a small
 * history and buffer, and with response compression switched on for event streams, which
 * must not apply to them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.keep-alive=1s", "sse.presence.grace=2s", "sse.history.size=100", "sse.buffer-capacity=8",
				"server.compression.enabled=true", "server.compression.min-response-size=1",
				"server.compression.mime-types=text/event-stream,text/html,application/json" })
class ContractConnectionIntegrationTests {

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(1);

	private static final Duration SCHEDULING_ALLOWANCE = Duration.ofMillis(300);

	private static final Duration GRACE = Duration.ofSeconds(2);

	private static final Duration TIMEOUT = EventStreamRecorder.TIMEOUT;

	@LocalServerPort
	private int port;

	private SampleClient client;

	@BeforeEach
	void createClient() {
		this.client = new SampleClient(this.port);
		// Streams of earlier tests are released once the server notices they are gone.
		awaitConnections(0, TIMEOUT);
	}

	@AfterEach
	void closeStreams() {
		this.client.close();
	}

	@Test
	void idleConnectionReceivesCommentLineWithinKeepAlive() {
		EventStreamRecorder stream = this.client.stream(user());
		await().atMost(TIMEOUT).until(() -> stream.comments().size() >= 4);
		assertThat(stream.closeAfter(this.client.broadcastMarker())).isEmpty();
		// Each gap between two writes (the preamble, then comments) is an idle time.
		List<String> lines = stream.lines();
		List<Long> nanos = stream.lineNanos();
		List<Duration> idle = new ArrayList<>();
		long lastWrite = nanos.get(0);
		for (int i = 1; i < lines.size(); i++) {
			if (lines.get(i).startsWith(":")) {
				idle.add(Duration.ofNanos(nanos.get(i) - lastWrite));
				lastWrite = nanos.get(i);
			}
		}
		assertThat(idle).hasSizeGreaterThanOrEqualTo(4);
		assertThat(idle).allSatisfy((time) -> assertThat(time).as("time without a write, all: %s", idle)
			.isLessThanOrEqualTo(KEEP_ALIVE.plus(SCHEDULING_ALLOWANCE)));
	}

	@Test
	void streamIsNotCompressedEvenWhenCompressionIsOn() {
		EventStreamRecorder stream = this.client.stream(user(), "Accept-Encoding", "gzip");
		assertThat(stream.headers().firstValue("Content-Length")).isEmpty();
		assertThat(stream.headers().allValues("Content-Encoding"))
			.allSatisfy((encoding) -> assertThat(encoding.trim()).isEqualToIgnoringCase("identity"));
		MediaType contentType = MediaType.parseMediaType(stream.headers().firstValue("Content-Type").orElseThrow());
		assertThat(contentType.getType() + "/" + contentType.getSubtype()).isEqualTo("text/event-stream");
		String id = this.client.broadcast(null, "plain text");
		assertThat(stream.lines().get(0)).isEqualTo("retry: 3000");
		assertThat(stream.closeAfter(this.client.broadcastMarker())).extracting(Event::id, Event::data)
			.containsExactly(tuple(id, "plain text"));
	}

	@Test
	void vanishedClientIsReleasedWithinTwoKeepAliveIntervals() {
		String user = user();
		EventStreamRecorder stream = this.client.stream(user);
		awaitConnections(1, TIMEOUT);
		stream.close();
		long closedAt = System.nanoTime();
		// Nothing is published meanwhile: only keep-alive writes can find out that the
		// client is gone.
		awaitConnections(0, KEEP_ALIVE.multipliedBy(4));
		Duration released = Duration.ofNanos(System.nanoTime() - closedAt);
		assertThat(stream.events()).isEmpty();
		// Two intervals, plus a little for polling and scheduling on a busy machine.
		assertThat(released).as("time to release")
			.isLessThanOrEqualTo(KEEP_ALIVE.multipliedBy(2).plus(SCHEDULING_ALLOWANCE));
		// Gone once the grace passed with no new connection.
		await().atMost(GRACE.plus(TIMEOUT))
			.untilAsserted(() -> assertProblem(this.client.postJson("/events/" + user, body(null, "gone")), 404));
	}

	@Test
	void eventSentToAUserWithinTheGraceIsReplayedWhenItReconnects() {
		String user = user();
		EventStreamRecorder stream = this.client.stream(user);
		awaitConnections(1, TIMEOUT);
		String seen = this.client.sendTo(user, null, "seen");
		stream.awaitEvents(1);
		stream.close();
		awaitConnections(0, KEEP_ALIVE.multipliedBy(4));
		long releasedAt = System.nanoTime();
		String missed = this.client.sendTo(user, null, "sent while reconnecting");
		assertThat(Duration.ofNanos(System.nanoTime() - releasedAt)).isLessThan(GRACE);
		EventStreamRecorder back = this.client.stream(user, "Last-Event-ID", seen);
		assertThat(back.awaitEvents(1)).extracting(EventStreamRecorder.Event::id).containsExactly(missed);
		assertThat(back.events().get(0).data()).isEqualTo("sent while reconnecting");
	}

	@Test
	void connectionsGaugeCountsOpenConnections() {
		String user = user();
		EventStreamRecorder first = this.client.stream(user);
		EventStreamRecorder second = this.client.stream(user);
		awaitConnections(2, TIMEOUT);
		JsonNode metric = this.client.getJson("/actuator/metrics/sse.connections");
		assertThat(metric.get("name").asString()).isEqualTo("sse.connections");
		assertThat(metric.get("measurements")).hasSize(1);
		assertThat(metric.get("measurements").get(0).get("statistic").asString()).isEqualTo("VALUE");
		assertThat(metric.get("measurements").get(0).get("value").asDouble()).isEqualTo(2.0);
		assertThat(metric.get("availableTags").isArray()).isTrue();
		JsonNode health = this.client.getJson("/actuator/health");
		assertThat(health.get("components").get("sse").get("status").asString()).isEqualTo("UP");
		first.close();
		awaitConnections(1, TIMEOUT);
		assertThat(first.events()).isEmpty();
		assertThat(second.closeAfter(this.client.broadcastMarker())).isEmpty();
		awaitConnections(0, TIMEOUT);
	}

	@Test
	void unknownExpiredOrMalformedLastEventIdGetsMissedSignalThenWhatHistoryHolds() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 105; i++) {
			ids.add(this.client.broadcast(null, Integer.toString(i)));
		}
		List<String> held = ids.subList(5, 105);
		List<String> lastEventIds = List.of("never-issued-" + UUID.randomUUID(), ids.get(0), ids.get(4),
				"x".repeat(10 * 1024));
		List<EventStreamRecorder> streams = new ArrayList<>();
		for (String lastEventId : lastEventIds) {
			EventStreamRecorder stream = this.client.stream(user(), "Last-Event-ID", lastEventId);
			assertThat(stream.status()).isEqualTo(200);
			streams.add(stream);
		}
		String live = this.client.broadcast(null, "live");
		String end = this.client.broadcastMarker();
		for (EventStreamRecorder stream : streams) {
			List<Event> events = stream.closeAfter(end);
			assertThat(events).hasSize(102);
			assertThat(events.get(0).type()).isEqualTo("missed");
			assertThat(events.get(0).data()).isEqualTo(held.get(0));
			assertThat(events.subList(1, 101)).extracting(Event::id).containsExactlyElementsOf(held);
			assertThat(events.subList(1, 101)).extracting(Event::type).containsOnly("message");
			assertThat(events.get(101).id()).isEqualTo(live);
		}
		// A known id: no signal, just what came after it.
		EventStreamRecorder known = this.client.stream(user(), "Last-Event-ID", ids.get(103));
		String after = this.client.broadcast(null, "after");
		assertThat(known.closeAfter(this.client.broadcastMarker())).extracting(Event::id)
			.containsExactly(ids.get(104), live, end, after);
	}

	@Test
	void connectionThatCannotKeepUpIsClosedAndCatchesUpWhenItReconnects() {
		String user = user();
		EventStreamRecorder slow = this.client.pausedStream(user);
		awaitConnections(1, TIMEOUT);
		String payload = "x".repeat(256 * 1024);
		List<String> ids = new ArrayList<>();
		while (connections() == 1 && ids.size() < 90) {
			ids.add(this.client.broadcast(null, ids.size() + " " + payload));
		}
		assertThat(connections()).as("connections after %s events of 256 KiB", ids.size()).isZero();
		slow.resume();
		await().atMost(TIMEOUT).until(slow::ended);
		List<Event> received = slow.events();
		assertThat(received.size()).isLessThan(ids.size());
		EventStreamRecorder back = this.client.stream(user, "Last-Event-ID", slow.lastEventId());
		List<Event> caughtUp = back.closeAfter(this.client.broadcastMarker());
		List<Event> all = new ArrayList<>(received);
		all.addAll(caughtUp);
		assertThat(all).extracting(Event::id).containsExactlyElementsOf(ids);
		for (int i = 0; i < all.size(); i++) {
			assertThat(all.get(i).data()).isEqualTo(i + " " + payload);
		}
	}

	private void awaitConnections(int count, Duration atMost) {
		await().atMost(atMost).pollInterval(Duration.ofMillis(25)).until(() -> connections() == count);
	}

	private double connections() {
		JsonNode metric = this.client.getJson("/actuator/metrics/sse.connections");
		return metric.get("measurements").get(0).get("value").asDouble();
	}

	private static String user() {
		return "user-" + UUID.randomUUID();
	}

}
