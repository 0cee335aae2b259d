package dev.eventstream.sse.webmvc;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replay after {@code Last-Event-ID} over real connections. The buffer is large, so that
 * only the slow-consumer test, with an application of its own, is about overflow. The
 * missed-events signal is tested against a second application whose history holds three
 * events.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.keep-alive=500ms", "sse.history.size=5000", "sse.buffer-capacity=20000" })
class ReplayIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Pattern PRIMING = Pattern.compile("retry: \\d+\n\nid: (\\d+)\n\n");

	private static @Nullable RunningApplication smallHistory;

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	private final List<EventStreamRecorder> recorders = new ArrayList<>();

	private @Nullable RunningApplication slowConsumer;

	@BeforeAll
	static void startSmallHistoryApplication() {
		// The larger header limit lets an overlong Last-Event-ID reach the application
		// instead of Tomcat answering 400 itself.
		smallHistory = RunningApplication.start("sse.history.size=3", "server.max-http-request-header-size=32KB");
	}

	@AfterAll
	static void stopSmallHistoryApplication() {
		if (smallHistory != null) {
			smallHistory.close();
		}
	}

	@AfterEach
	void closeRecorders() {
		this.recorders.forEach(EventStreamRecorder::close);
		try {
			await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
			await().atMost(WAIT).until(() -> smallHistory().server().connectionCount() == 0);
			if (this.slowConsumer != null) {
				SseServer<String> slow = this.slowConsumer.server();
				await().atMost(WAIT).until(() -> slow.connectionCount() == 0);
			}
		}
		finally {
			if (this.slowConsumer != null) {
				this.slowConsumer.close();
			}
		}
	}

	@Test
	void replaysWhatSourceMissedWhileDisconnectedThenGoesLive() {
		EventStreamRecorder bob = connect("bob");
		EventStreamRecorder ann = connect("ann");
		awaitConnections(2);
		String seen = this.server.broadcast(SseEvent.of("seen"));
		await().atMost(WAIT).until(() -> ann.eventCount() == 1);
		ann.close();
		await().atMost(WAIT).until(() -> this.server.get("ann").isEmpty());
		List<String> away = new ArrayList<>();
		away.add(this.server.broadcast(SseEvent.of("away 1")));
		away.add(this.server.broadcast(SseEvent.of("away 2")));
		assertThat(this.server.newEvent("private").sendTo("bob", "for bob only")).isPresent();
		away.add(this.server.broadcast(SseEvent.of("away 3")));
		away.add(this.server.broadcast(SseEvent.of("away 4")));
		away.add(this.server.broadcast(SseEvent.of("away 5")));
		EventStreamRecorder back = connect("ann", "Last-Event-ID", seen);
		await().atMost(WAIT).until(() -> back.eventCount() >= away.size());
		String live = this.server.broadcast(SseEvent.of("live"));
		await().atMost(WAIT).until(() -> back.eventCount() >= away.size() + 1);
		assertThat(back.events()).extracting(SseEvent::id)
			.containsExactly(away.get(0), away.get(1), away.get(2), away.get(3), away.get(4), live);
		assertThat(back.data()).containsExactly("away 1", "away 2", "away 3", "away 4", "away 5", "live");
		await().atMost(WAIT).until(() -> bob.eventCount() == 8);
		assertThat(bob.data()).contains("for bob only");
	}

	@Test
	void readsLastEventIdFromQueryParameterWhenRequestHasNoHeader() {
		EventStreamRecorder first = connect("query");
		String seen = this.server.broadcast(SseEvent.of("seen"));
		await().atMost(WAIT).until(() -> first.eventCount() == 1);
		first.close();
		await().atMost(WAIT).until(() -> this.server.get("query").isEmpty());
		String away = this.server.broadcast(SseEvent.of("away 1"));
		String later = this.server.broadcast(SseEvent.of("away 2"));
		EventStreamRecorder fromQuery = connect(URI.create(uri(this.port, "query") + "&lastEventId=" + seen));
		EventStreamRecorder headerWins = connect(URI.create(uri(this.port, "query") + "&lastEventId=" + seen),
				"Last-Event-ID", away);
		await().atMost(WAIT).until(() -> fromQuery.eventCount() >= 2 && headerWins.eventCount() >= 1);
		assertThat(fromQuery.events()).extracting(SseEvent::id).containsExactly(away, later);
		assertThat(headerWins.events()).extracting(SseEvent::id).containsExactly(later);
	}

	@Test
	void replaysFromPrimingIdOfClientThatReceivedNoEvent() {
		EventStreamRecorder quiet = connect("quiet");
		await().atMost(WAIT).until(() -> PRIMING.matcher(quiet.raw()).lookingAt());
		String primingId = primingId(quiet.raw());
		assertThat(quiet.eventCount()).isZero();
		quiet.close();
		await().atMost(WAIT).until(() -> this.server.get("quiet").isEmpty());
		List<String> ids = IntStream.rangeClosed(1, 3)
			.mapToObj((i) -> this.server.broadcast(SseEvent.of("while away " + i)))
			.toList();
		EventStreamRecorder back = connect("quiet", "Last-Event-ID", primingId);
		await().atMost(WAIT).until(() -> back.eventCount() >= 3);
		String live = this.server.broadcast(SseEvent.of("live"));
		await().atMost(WAIT).until(() -> back.eventCount() >= 4);
		assertThat(back.events()).extracting(SseEvent::id).containsExactly(ids.get(0), ids.get(1), ids.get(2), live);
		assertThat(back.raw()).doesNotContain("event: missed");
	}

	@Test
	void replayMeetsLiveEventsWithoutGapOrDuplicateWhilePublishersRun() throws Exception {
		EventStreamRecorder pacer = connect("pacer");
		EventStreamRecorder first = connect("mover");
		awaitConnections(2);
		int total = 10_000;
		// Publishers wait at the first gate until the client is about to reconnect, then
		// publish while it registers; they wait at the second gate only if it has not
		// registered by then. The client has received at least 5,000 when it leaves, so
		// history (5,000) covers what it missed.
		int reconnecting = 6_000;
		int registered = 9_000;
		AtomicInteger published = new AtomicInteger();
		CountDownLatch reconnect = new CountDownLatch(1);
		CountDownLatch reconnected = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		List<Future<?>> publishers = new ArrayList<>();
		for (int t = 0; t < 2; t++) {
			publishers.add(pool.submit(() -> {
				for (int i = 0; i < total / 2; i++) {
					int n = published.incrementAndGet();
					if (n > reconnecting) {
						assertThat(reconnect.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
					}
					if (n > registered) {
						assertThat(reconnected.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
					}
					this.server.broadcast(SseEvent.of("event " + n));
					if (n % 10 == 0) {
						awaitEvents(pacer, n - 200);
					}
				}
				return null;
			}));
		}
		try {
			await().atMost(WAIT).until(() -> first.eventCount() >= 5_000);
			first.close();
			await().atMost(WAIT).until(first::ended);
			List<SseEvent> before = first.events();
			String lastEventId = before.get(before.size() - 1).id();
			reconnect.countDown();
			EventStreamRecorder second = connect("mover", "Last-Event-ID", lastEventId);
			reconnected.countDown();
			for (Future<?> publisher : publishers) {
				publisher.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			// The pacer stayed connected: it saw every published id, in publishing order.
			await().atMost(WAIT).until(() -> pacer.eventCount() >= total);
			List<String> all = pacer.events().stream().map(SseEvent::id).toList();
			assertThat(all).hasSize(total).doesNotHaveDuplicates();
			List<String> expected = all.subList(all.indexOf(lastEventId) + 1, total);
			assertThat(expected).hasSizeGreaterThanOrEqualTo(total - reconnecting);
			String newest = all.get(total - 1);
			await().atMost(WAIT).until(() -> lastId(second).equals(newest));
			List<String> received = second.events().stream().map(SseEvent::id).toList();
			assertThat(received).containsExactlyElementsOf(expected);
			assertThat(received.stream().map(Long::valueOf).toList()).isSorted().doesNotHaveDuplicates();
		}
		finally {
			reconnect.countDown();
			reconnected.countDown();
			pool.shutdownNow();
		}
	}

	@Test
	void signalsMissedEventsForUnknownId() {
		assertMissedSignal("unknown", (ids) -> "nope");
	}

	@Test
	void signalsMissedEventsForExpiredId() {
		assertMissedSignal("expired", (ids) -> ids.get(0));
	}

	@Test
	void signalsMissedEventsForOverlongId() {
		assertMissedSignal("overlong", (ids) -> "x".repeat(10 * 1024));
	}

	@Test
	void rejectsLastEventIdWithNulWithoutServerError() throws IOException {
		// java.net.http refuses to send it; Tomcat rejects a control character in a
		// header value itself.
		try (Socket socket = new Socket("127.0.0.1", smallHistory().port())) {
			socket.setSoTimeout((int) WAIT.toMillis());
			socket.getOutputStream()
				.write(("GET /rest/events?user=nul HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
						+ "Last-Event-ID: 1\u00002\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
			String head = readUntil(socket.getInputStream(), Pattern.compile("\r\n\r\n")).text();
			assertThat(head).startsWith("HTTP/1.1 400 ");
		}
	}

	@Test
	void closesStalledClientWhichCatchesUpFromHistoryWhenItReconnects() throws Exception {
		RunningApplication app = RunningApplication.start("sse.buffer-capacity=64", "sse.history.size=5000");
		this.slowConsumer = app;
		SseServer<String> server = app.server();
		server.broadcast(SseEvent.of("before anyone connected"));
		EventStreamRecorder reader = connect(app, "reader");
		long heapBefore = usedHeapAfterGc();
		String payload = "x".repeat(8 * 1024);
		int total = 2_000;
		List<String> ids = new ArrayList<>();
		String primingId;
		try (Socket stalled = new Socket()) {
			stalled.setReceiveBufferSize(4096);
			stalled.connect(new InetSocketAddress("127.0.0.1", app.port()), (int) WAIT.toMillis());
			stalled.setSoTimeout((int) WAIT.toMillis());
			stalled.getOutputStream()
				.write("GET /rest/events?user=stalled HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
			// Reads the headers and the first frames, then never reads again.
			Match start = readUntil(stalled.getInputStream(), PRIMING);
			assertThat(start.text()).startsWith("HTTP/1.1 200");
			primingId = start.group();
			assertThat(server.get("stalled")).isPresent();
			for (int i = 1; i <= total; i++) {
				ids.add(server.broadcast(SseEvent.of(payload)));
				// Never more than 32 frames ahead of the reader, so that it stays within
				// its buffer of 64 even while its socket is full, which is when the
				// buffer applies.
				if (i % 16 == 0) {
					awaitEvents(reader, i - 16);
				}
			}
			await().atMost(WAIT).until(() -> server.get("stalled").isEmpty());
			await().atMost(WAIT).until(() -> reader.eventCount() >= total);
			assertThat(reader.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
			assertThat(reader.data()).allMatch(payload::equals);
			long growth = usedHeapAfterGc() - heapBefore;
			// History holds 16 MB of these frames and the reader's recorder twice as much
			// again.
			assertThat(growth).isLessThan(128L * 1024 * 1024);
		}
		EventStreamRecorder back = connect(app, "stalled", "Last-Event-ID", primingId);
		await().atMost(WAIT).until(() -> back.eventCount() >= total);
		assertThat(back.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
		assertThat(back.data()).allMatch(payload::equals);
	}

	private void assertMissedSignal(String user, Function<List<String>, String> lastEventId) {
		SseServer<String> server = smallHistory().server();
		List<String> ids = IntStream.rangeClosed(1, 10)
			.mapToObj((i) -> server.broadcast(SseEvent.of("event " + i)))
			.toList();
		EventStreamRecorder recorder = connect(smallHistory(), user, "Last-Event-ID", lastEventId.apply(ids));
		assertThat(recorder.response().statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> recorder.eventCount() >= 4);
		String live = server.broadcast(SseEvent.of("live"));
		await().atMost(WAIT).until(() -> recorder.eventCount() >= 5);
		List<SseEvent> events = recorder.events();
		assertThat(events).hasSize(5);
		assertThat(events.get(0).event()).isEqualTo("missed");
		assertThat(events.get(0).data()).isEqualTo(ids.get(7));
		assertThat(events.subList(1, 5)).extracting(SseEvent::id)
			.containsExactly(ids.get(7), ids.get(8), ids.get(9), live);
		assertThat(events.subList(1, 5)).extracting(SseEvent::data)
			.containsExactly("event 8", "event 9", "event 10", "live");
	}

	private EventStreamRecorder connect(String user, String... headers) {
		return connect(uri(this.port, user), headers);
	}

	private EventStreamRecorder connect(RunningApplication app, String user, String... headers) {
		return connect(uri(app.port(), user), headers);
	}

	private EventStreamRecorder connect(URI uri, String... headers) {
		EventStreamRecorder recorder = EventStreamRecorder.open(uri, headers);
		this.recorders.add(recorder);
		assertThat(recorder.response().statusCode()).isEqualTo(200);
		return recorder;
	}

	private void awaitConnections(int count) {
		await().atMost(WAIT).until(() -> this.server.connectionCount() == count);
	}

	private static void awaitEvents(EventStreamRecorder recorder, int count) {
		await().atMost(WAIT)
			.pollInSameThread()
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(1))
			.until(() -> recorder.eventCount() >= count);
	}

	private static String lastId(EventStreamRecorder recorder) {
		List<SseEvent> events = recorder.events();
		return events.isEmpty() ? "" : String.valueOf(events.get(events.size() - 1).id());
	}

	private static String primingId(String stream) {
		Matcher matcher = PRIMING.matcher(stream);
		assertThat(matcher.lookingAt()).as("stream starts with retry and priming id: %s", stream).isTrue();
		return matcher.group(1);
	}

	private static Match readUntil(InputStream in, Pattern pattern) throws IOException {
		ByteArrayOutputStream seen = new ByteArrayOutputStream();
		byte[] buffer = new byte[256];
		for (;;) {
			int n = in.read(buffer);
			if (n == -1) {
				throw new EOFException("Stream ended before " + pattern + ": " + seen);
			}
			seen.write(buffer, 0, n);
			String text = seen.toString(StandardCharsets.ISO_8859_1);
			Matcher matcher = pattern.matcher(text);
			if (matcher.find()) {
				return new Match(text, (matcher.groupCount() > 0) ? matcher.group(1) : matcher.group());
			}
		}
	}

	private static long usedHeapAfterGc() {
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private static URI uri(int port, String user) {
		return URI.create("http://127.0.0.1:" + port + "/rest/events?user=" + user);
	}

	private static RunningApplication smallHistory() {
		assertThat(smallHistory).isNotNull();
		return smallHistory;
	}

	private record Match(String text, String group) {
	}

}
