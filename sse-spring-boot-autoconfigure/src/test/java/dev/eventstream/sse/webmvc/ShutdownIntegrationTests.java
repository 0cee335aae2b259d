package dev.eventstream.sse.webmvc;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.SseParser;
import dev.eventstream.sse.autoconfigure.SseServerCustomizer;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.InMemoryEventHistory;
import dev.eventstream.sse.server.ServerClosedException;
import dev.eventstream.sse.server.transport.NeverWritableConnection;
import dev.eventstream.sse.server.transport.StreamEndpoint;
import dev.eventstream.sse.server.SseServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Stops a real application with graceful shutdown while streams are open. Each test
 * starts and closes its own application, because closing it is what is tested.
 */
class ShutdownIntegrationTests {

	private static final Log logger = LogFactory.getLog(ShutdownIntegrationTests.class);

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final List<EventStreamRecorder> recorders = new ArrayList<>();

	private @Nullable ConfigurableApplicationContext context;

	private @Nullable SseServer<String> server;

	private @Nullable StreamEndpoint holder;

	private @Nullable LoopbackClient client;

	@AfterEach
	void closeRecordersAndApplication() {
		this.recorders.forEach(EventStreamRecorder::close);
		if (this.client != null) {
			this.client.close();
		}
		if (this.holder != null) {
			this.holder.onDisconnect();
		}
		if (this.server != null) {
			SseServer<String> server = this.server;
			await().atMost(WAIT).until(() -> server.connectionCount() == 0);
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void endsEveryStreamAfterItsQueuedEventsBeforeGracefulShutdownWaits() {
		ConfigurableApplicationContext context = start();
		SseServer<String> server = this.server;
		int port = port(context);
		List<EventStreamRecorder> clients = IntStream.range(0, 3).mapToObj((i) -> connect(port, "user" + i)).toList();
		await().atMost(WAIT).until(() -> server.connectionCount() == 3);
		List<String> ids = IntStream.range(0, 20).mapToObj((i) -> server.broadcast(SseEvent.of("event " + i))).toList();
		long start = System.nanoTime();
		context.close();
		Duration closing = Duration.ofNanos(System.nanoTime() - start);
		// Without the streams ending first, graceful shutdown would wait its full 20
		// seconds for them.
		assertThat(closing).isLessThan(Duration.ofSeconds(5));
		assertThat(server.isRunning()).isFalse();
		assertThat(server.connectionCount()).isZero();
		assertThat(server.closedConnections(CloseReason.SHUTDOWN)).isEqualTo(3);
		assertThat(server.closedConnections(CloseReason.CLIENT)).isZero();
		for (EventStreamRecorder client : clients) {
			await().atMost(WAIT).until(client::ended);
			assertThat(client.endedCleanly()).as("stream ended by the server, not dropped").isTrue();
			assertThat(client.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
			assertThat(client.data())
				.containsExactlyElementsOf(IntStream.range(0, 20).mapToObj((i) -> "event " + i).toList());
		}
	}

	@Test
	void refusesNewStreamsOnceShutdownBeganAndThenTheWebServerStops() throws Exception {
		ConfigurableApplicationContext context = start(LongStreamShutdown.class);
		SseServer<String> server = this.server;
		int port = port(context);
		// A stream that never becomes writable holds SseServer.close() until it is
		// released, so the web server keeps accepting requests for as long as the test
		// needs.
		StreamEndpoint holder = server.connect("holder", null).open(new NeverWritableConnection(), null);
		this.holder = holder;
		CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
		await().atMost(WAIT).until(() -> !server.isRunning());
		HttpResponse<String> refused = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri(port, "/rest/events?user=late"))
				.header("Accept", "text/event-stream")
				.timeout(WAIT)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().allValues("Content-Type"))
			.noneMatch((type) -> type.startsWith("text/event-stream"));
		assertThat(server.get("late")).isEmpty();
		assertThat(closing).isNotDone();
		this.holder = null;
		holder.onDisconnect();
		closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(server.connectionCount()).isZero();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
	}

	@Test
	void shutdownDuringBroadcastLosesNothingThatHistoryCanReplay() throws Exception {
		ConfigurableApplicationContext context = start(ShutdownDuringBroadcast.class);
		SseServer<String> server = this.server;
		@SuppressWarnings("unchecked")
		EventHistory<String> history = context.getBean(EventHistory.class);
		LoopbackClient client = new LoopbackClient(port(context));
		this.client = client;
		Map<String, LoopbackClient.Stream> streams = new LinkedHashMap<>();
		for (int i = 0; i < 8; i++) {
			streams.put("reader" + i, client.open("/rest/events?user=reader" + i));
		}
		// Stops reading at once: once the socket buffers are full, its frames wait in the
		// server until shutdown drops them.
		streams.put("stalled", client.open("/rest/events?user=stalled", 4096));
		streams.values().forEach((stream) -> assertThat(stream.awaitStarted()).isEqualTo(200));
		streams.get("stalled").pauseReadingAfter(0);
		String payload = "x".repeat(500);
		AtomicInteger publishedCount = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Future<Publisher>> publishers = new ArrayList<>();
		for (int p = 0; p < 8; p++) {
			int thread = p;
			publishers.add(pool.submit(() -> {
				Publisher publisher = new Publisher();
				try {
					for (int i = 0; i < 5000; i++) {
						publisher.ids.add(server.broadcast(SseEvent.of(thread + ":" + i + ":" + payload)));
						publishedCount.incrementAndGet();
					}
				}
				catch (RuntimeException ex) {
					publisher.failure = ex;
				}
				return publisher;
			}));
		}
		await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> publishedCount.get() >= 4000);
		context.close();
		List<String> published = new ArrayList<>();
		for (Future<Publisher> future : publishers) {
			Publisher publisher = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			// Each publisher was still publishing when the server closed, and learned it.
			assertThat(publisher.failure).isInstanceOf(ServerClosedException.class);
			published.addAll(publisher.ids);
		}
		pool.shutdown();
		streams.get("stalled").resumeReading();
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(() -> server.broadcast(SseEvent.of("late")));
		assertThatExceptionOfType(ServerClosedException.class)
			.isThrownBy(() -> server.newEvent("late").send((id, last) -> "late"));
		published.sort(Comparator.comparingLong(Long::parseLong));
		assertThat(published).doesNotHaveDuplicates();
		assertThat(server.connectionCount()).isZero();
		int caughtUpFromHistory = 0;
		for (Map.Entry<String, LoopbackClient.Stream> entry : streams.entrySet()) {
			LoopbackClient.Stream stream = entry.getValue();
			await().atMost(WAIT).until(stream::ended);
			List<String> received = stream.ids();
			assertThat(received).as(entry.getKey()).isEqualTo(published.subList(0, received.size()));
			EventHistory.Replay replay = history.replay(stream.lastEventId(), history.newestId(), entry.getKey(),
					Set.of());
			assertThat(replay.complete()).isTrue();
			assertThat(ids(replay.frames())).as(entry.getKey())
				.isEqualTo(published.subList(received.size(), published.size()));
			caughtUpFromHistory += (received.size() < published.size()) ? 1 : 0;
		}
		assertThat(streams.get("stalled").eventCount()).isLessThan(published.size());
		logger.info("Shutdown during broadcast: " + published.size() + " events published, " + caughtUpFromHistory
				+ " of " + streams.size() + " clients catch up from history, closed for shutdown "
				+ server.closedConnections(CloseReason.SHUTDOWN) + ", for overflow "
				+ server.closedConnections(CloseReason.OVERFLOW));
	}

	private static List<String> ids(List<byte[]> frames) {
		List<String> ids = new ArrayList<>();
		SseParser parser = new SseParser((event) -> ids.add(event.id()));
		frames.forEach(parser::feed);
		return ids;
	}

	@SuppressWarnings("unchecked")
	private ConfigurableApplicationContext start(Class<?>... configurations) {
		List<Class<?>> sources = new ArrayList<>(List.of(configurations));
		sources.add(0, TestApplication.class);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
			.properties("server.port=0", "server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s",
					"sse.keep-alive=500ms")
			.run();
		this.context = context;
		this.server = context.getBean(SseServer.class);
		return context;
	}

	private EventStreamRecorder connect(int port, String user) {
		EventStreamRecorder recorder = EventStreamRecorder.open(uri(port, "/rest/events?user=" + user));
		this.recorders.add(recorder);
		assertThat(recorder.response().statusCode()).isEqualTo(200);
		return recorder;
	}

	private static int port(ConfigurableApplicationContext context) {
		Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
		assertThat(port).isNotNull();
		return port;
	}

	private static URI uri(int port, String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + port + pathAndQuery);
	}

	@Configuration(proxyBeanMethods = false)
	static class LongStreamShutdown {

		@Bean
		SseServerCustomizer longStreamShutdown() {
			return (builder) -> builder.shutdownTimeout(Duration.ofSeconds(30));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShutdownDuringBroadcast {

		@Bean
		InMemoryEventHistory<String> largeHistory() {
			return new InMemoryEventHistory<>(50_000, null);
		}

		// Fixed small socket send buffers, instead of ones that grow to megabytes: a
		// client that does not read stalls its stream after some 100 KB.
		@Bean
		TomcatConnectorCustomizer smallSendBuffers() {
			return (connector) -> connector.setProperty("socket.txBufSize", "65536");
		}

		@Bean
		SseServerCustomizer shortStreamShutdownWithoutOverflow() {
			return (builder) -> builder.shutdownTimeout(Duration.ofSeconds(2)).bufferCapacity(100_000);
		}

	}

	/** What one publishing thread published, and how it stopped. */
	static class Publisher {

		final List<String> ids = new ArrayList<>();

		@Nullable RuntimeException failure;

	}

}
