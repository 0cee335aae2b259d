package dev.eventstream.sse.webmvc;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.autoconfigure.SseServerCustomizer;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseConnection;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Stops a real application with graceful shutdown while streams are open. Each test starts and
 * closes its own application, because closing it is what is tested.
 */
class ShutdownIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final List<EventStreamRecorder> recorders = new ArrayList<>();

	private @Nullable ConfigurableApplicationContext context;

	private @Nullable SseServer<String> server;

	private @Nullable SseStream<String> holder;

	@AfterEach
	void closeRecordersAndApplication() {
		this.recorders.forEach(EventStreamRecorder::close);
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
		List<EventStreamRecorder> clients = IntStream.range(0, 3)
			.mapToObj((i) -> connect(port, "user" + i))
			.toList();
		await().atMost(WAIT).until(() -> server.connectionCount() == 3);
		List<String> ids = IntStream.range(0, 20).mapToObj((i) -> server.broadcast(SseEvent.of("event " + i))).toList();
		long start = System.nanoTime();
		context.close();
		Duration closing = Duration.ofNanos(System.nanoTime() - start);
		// Without the streams ending first, graceful shutdown would wait its full 20 seconds for them.
		assertThat(closing).isLessThan(Duration.ofSeconds(5));
		assertThat(server.isOpen()).isFalse();
		assertThat(server.connectionCount()).isZero();
		assertThat(server.closedConnections(CloseReason.SHUTDOWN)).isEqualTo(3);
		assertThat(server.closedConnections(CloseReason.CLIENT)).isZero();
		for (EventStreamRecorder client : clients) {
			await().atMost(WAIT).until(client::ended);
			assertThat(client.endedCleanly()).as("stream ended by the server, not dropped").isTrue();
			assertThat(client.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
			assertThat(client.data()).containsExactlyElementsOf(
					IntStream.range(0, 20).mapToObj((i) -> "event " + i).toList());
		}
	}

	@Test
	void refusesNewStreamsOnceShutdownBeganAndThenTheWebServerStops() throws Exception {
		ConfigurableApplicationContext context = start(LongStreamShutdown.class);
		SseServer<String> server = this.server;
		int port = port(context);
		// A stream that never becomes writable holds SseServer.close() until it is released, so the web
		// server keeps accepting requests for as long as the test needs.
		SseStream<String> holder = server.connect("holder", null);
		holder.open(new UnwritableConnection());
		this.holder = holder;
		CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
		await().atMost(WAIT).until(() -> !server.isOpen());
		HttpResponse<String> refused = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri(port, "/rest/events?user=late"))
				.header("Accept", "text/event-stream")
				.timeout(WAIT)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().allValues("Content-Type")).noneMatch((type) -> type.startsWith("text/event-stream"));
		assertThat(server.get("late")).isEmpty();
		assertThat(closing).isNotDone();
		this.holder = null;
		holder.onDisconnect();
		closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(server.connectionCount()).isZero();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
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

	/** A connection whose client never reads: the transport never calls back. */
	static class UnwritableConnection implements SseConnection {

		@Override
		public boolean isReady() {
			return false;
		}

		@Override
		public void write(byte[] frame) {
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	}

}
