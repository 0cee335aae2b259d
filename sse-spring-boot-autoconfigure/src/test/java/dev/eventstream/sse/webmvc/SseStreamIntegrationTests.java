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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.keep-alive=500ms", "sse.buffer-capacity=1024" })
class SseStreamIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Autowired
	private SseServer<Long> numbers;

	@RegisterExtension
	final OpenRecorders recorders = new OpenRecorders();

	@Test
	void streamsFromController() {
		assertStreams("/mvc/events");
	}

	@Test
	void streamsFromRestController() {
		assertStreams("/rest/events");
	}

	private void assertStreams(String path) {
		EventStreamRecorder recorder = connect(path, "ann");
		HttpResponse<?> response = recorder.response();
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream;charset=UTF-8");
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache, no-transform");
		assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
		assertThat(response.headers().firstValue("Content-Length")).isEmpty();
		assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
		await().atMost(WAIT).until(() -> recorder.raw().length() > 0);
		assertThat(recorder.raw()).startsWith("retry: 3000\n\nid: ");
		String id = this.server.broadcast(SseEvent.of("greeting", "hello\nworld"));
		await().atMost(WAIT).until(() -> recorder.events().size() == 1);
		assertThat(recorder.events()).containsExactly(new SseEvent(id, "greeting", "hello\nworld", null, null));
	}

	@Test
	void broadcastReachesEveryConnectionOnceInOrder() {
		List<EventStreamRecorder> all = List.of(connect("/rest/events", "a"), connect("/rest/events", "b"),
				connect("/mvc/events", "c"), connect("/mvc/events", "c"));
		awaitConnections(4);
		assertThat(this.server.size()).isEqualTo(3);
		List<String> sent = IntStream.range(0, 50).mapToObj((i) -> "event " + i).toList();
		sent.forEach((data) -> this.server.broadcast(SseEvent.of(data)));
		for (EventStreamRecorder recorder : all) {
			await().atMost(WAIT).until(() -> recorder.events().size() >= sent.size());
			assertThat(recorder.data()).containsExactlyElementsOf(sent);
		}
	}

	@Test
	void computesPayloadPerSource() {
		EventStreamRecorder ann = connect("/rest/events", "ann");
		EventStreamRecorder bob = connect("/rest/events", "bob");
		awaitConnections(2);
		this.server.newEvent("hello").send((source, lastEventId) -> "hi " + source);
		await().atMost(WAIT).until(() -> ann.events().size() == 1 && bob.events().size() == 1);
		assertThat(ann.data()).containsExactly("hi ann");
		assertThat(bob.data()).containsExactly("hi bob");
		assertThat(ann.events().get(0).event()).isEqualTo("hello");
	}

	@Test
	void sendsToOneSourceOnly() {
		EventStreamRecorder ann = connect("/rest/events", "ann");
		EventStreamRecorder annSecondTab = connect("/mvc/events", "ann");
		EventStreamRecorder bob = connect("/rest/events", "bob");
		awaitConnections(3);
		assertThat(this.server.newEvent("note").sendTo("ann", "for ann")).isPresent();
		String marker = this.server.broadcast(SseEvent.of("everyone"));
		await().atMost(WAIT)
			.until(() -> ann.events().size() == 2 && annSecondTab.events().size() == 2 && bob.events().size() == 1);
		assertThat(ann.data()).containsExactly("for ann", "everyone");
		assertThat(annSecondTab.data()).containsExactly("for ann", "everyone");
		assertThat(bob.events()).extracting(SseEvent::id).containsExactly(marker);
		assertThat(this.server.newEvent("note").sendTo("nobody", "x")).isEmpty();
	}

	@Test
	void perSourceCallbackSeesLastEventIdOfReconnectingClient() {
		String earlier = this.server.broadcast(SseEvent.of("before"));
		EventStreamRecorder ann = connect("/rest/events", "ann", "Last-Event-ID", earlier);
		awaitConnections(1);
		this.server.newEvent("since").send((source, lastEventId) -> source + " was at " + lastEventId);
		await().atMost(WAIT).until(() -> ann.events().size() == 1);
		assertThat(ann.data()).containsExactly("ann was at " + earlier);
	}

	@Test
	void injectsServerForAnySourceIdType() {
		EventStreamRecorder recorder = this.recorders.open(uri("/numbers/events?id=42"));
		await().atMost(WAIT).until(() -> this.numbers.get(42L).isPresent());
		assertThat(this.numbers.send(42L, SseEvent.of("for 42"))).isPresent();
		await().atMost(WAIT).until(() -> recorder.events().size() == 1);
		assertThat(recorder.data()).containsExactly("for 42");
	}

	@Test
	void sendsKeepAliveCommentToIdleConnection() {
		EventStreamRecorder recorder = connect("/rest/events", "idle");
		await().atMost(Duration.ofSeconds(2)).until(() -> !recorder.comments().isEmpty());
		assertThat(recorder.events()).isEmpty();
	}

	@Test
	void releasesClientThatDisconnectsWithinTwoKeepAliveIntervals() {
		int before = this.server.connectionCount();
		EventStreamRecorder recorder = connect("/rest/events", "leaver");
		awaitConnections(before + 1);
		recorder.close();
		await().atMost(Duration.ofSeconds(1)).until(() -> this.server.connectionCount() == before);
		assertThat(this.server.get("leaver")).isEmpty();
	}

	@Test
	void closesClientThatStopsReadingWhileOthersKeepReceiving() throws IOException {
		long overflowsBefore = this.server.closedConnections(CloseReason.OVERFLOW);
		EventStreamRecorder reader = connect("/rest/events", "reader");
		try (Socket stalled = new Socket("127.0.0.1", this.port)) {
			stalled.setReceiveBufferSize(4096);
			OutputStream out = stalled.getOutputStream();
			out.write(("GET /rest/events?user=stalled HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			await().atMost(WAIT).until(() -> this.server.get("stalled").isPresent());
			String payload = "x".repeat(8 * 1024);
			int events = 3000;
			for (int i = 1; i <= events; i++) {
				this.server.broadcast(SseEvent.of(payload));
				if (i % 50 == 0) {
					int published = i;
					await().atMost(WAIT).until(() -> reader.events().size() >= published - 50);
				}
			}
			await().atMost(WAIT).until(() -> this.server.get("stalled").isEmpty());
			assertThat(this.server.closedConnections(CloseReason.OVERFLOW)).isEqualTo(overflowsBefore + 1);
			await().atMost(WAIT).until(() -> reader.events().size() == events);
			assertThat(reader.data()).allMatch(payload::equals);
		}
	}

	@Test
	void keepsEveryStreamCompleteAndOrderedUnderConcurrentPublishingAndChurn() throws Exception {
		List<EventStreamRecorder> stable = List.of(connect("/rest/events", "s1"), connect("/rest/events", "s2"),
				connect("/mvc/events", "s3"));
		awaitConnections(3);
		int threads = 4;
		int perThread = 250;
		ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> publishers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			publishers.add(pool.submit(() -> {
				start.await();
				for (int i = 0; i < perThread; i++) {
					this.server.broadcast(SseEvent.of(thread + ":" + i));
				}
				return null;
			}));
		}
		Future<?> churn = pool.submit(() -> {
			start.await();
			for (int i = 0; i < 30; i++) {
				try (EventStreamRecorder churner = EventStreamRecorder.open(uri("/rest/events?user=churn" + (i % 3)))) {
					assertThat(churner.response().statusCode()).isEqualTo(200);
				}
			}
			return null;
		});
		start.countDown();
		for (Future<?> publisher : publishers) {
			publisher.get(30, TimeUnit.SECONDS);
		}
		churn.get(30, TimeUnit.SECONDS);
		pool.shutdown();
		int total = threads * perThread;
		for (EventStreamRecorder recorder : stable) {
			await().atMost(WAIT).until(() -> recorder.events().size() >= total);
			List<Long> ids = recorder.events().stream().map((event) -> Long.parseLong(event.id())).toList();
			assertThat(ids).hasSize(total).doesNotHaveDuplicates().isSorted();
			for (int t = 0; t < threads; t++) {
				String prefix = t + ":";
				List<String> fromThread = recorder.data().stream().filter((data) -> data.startsWith(prefix)).toList();
				assertThat(fromThread)
					.containsExactlyElementsOf(IntStream.range(0, perThread).mapToObj((i) -> prefix + i).toList());
			}
		}
	}

	@Test
	void answersNotAcceptableWhenClientDoesNotAcceptEventStream() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri("/rest/events?user=json")).header("Accept", "application/json").build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(406);
		assertThat(this.server.get("json")).isEmpty();
	}

	private EventStreamRecorder connect(String path, String user, String... headers) {
		return this.recorders.open(uri(path + "?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)), headers);
	}

	private void awaitConnections(int count) {
		await().atMost(WAIT).until(() -> this.server.connectionCount() == count);
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

}
