package dev.eventstream.sse.client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.client.ScriptedServer.Exchange;
import dev.eventstream.sse.client.SseClient.Termination;
import dev.eventstream.sse.client.SseClient.ReadyState;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SseClient} against a {@link ScriptedServer} that writes raw HTTP/1.1
 * on 127.0.0.1.
 */
class SseClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final EventQueue events = new EventQueue();

	private final Recorder recorder = new Recorder();

	@AfterEach
	void closeResources() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	private ScriptedServer server(ScriptedServer.Script... scripts) throws IOException {
		ScriptedServer server = ScriptedServer.start(scripts);
		this.resources.add(server);
		return server;
	}

	private SseClient connect(URI uri) {
		return connect(uri, (builder) -> {
		});
	}

	private SseClient connect(URI uri, Consumer<SseClient.Builder> customizer) {
		SseClient.Builder builder = SseClient.builder(uri)
			.reconnectTime(Duration.ofMillis(50))
			.listener(this.events)
			.listener(this.recorder);
		customizer.accept(builder);
		SseClient client = builder.build();
		this.resources.add(0, client);
		client.connect();
		return client;
	}

	private static ScriptedServer.Script stream(String body) {
		return (exchange) -> {
			exchange.respondEventStream();
			exchange.write(body);
		};
	}

	@Test
	void deliversEventsWrittenOneByteAtATime() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			exchange.writeByteByByte("""
					: hello
					id: 1
					event: greeting
					data: héllo
					data: wörld 🌍

					data: second

					""".getBytes(StandardCharsets.UTF_8));
		});
		connect(server.uri());
		assertThat(this.events.next(TIMEOUT)).isEqualTo(new SseEvent("1", "greeting", "héllo\nwörld 🌍", null, null));
		assertThat(this.events.next(TIMEOUT)).isEqualTo(new SseEvent("1", "message", "second", null, null));
		assertThat(this.recorder.comments).containsExactly("hello");
	}

	@Test
	void deliversEventsSentInOneByteHttpChunks() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respondChunked();
			for (byte b : "id: 1\ndata: chunked\n\n".getBytes(StandardCharsets.UTF_8)) {
				exchange.writeChunk(new byte[] { b });
			}
			exchange.awaitPeerClose(TIMEOUT);
		});
		connect(server.uri());
		assertThat(this.events.next(TIMEOUT)).isEqualTo(new SseEvent("1", "message", "chunked", null, null));
	}

	@Test
	void readsStreamsWithCrlfLineEndings() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			exchange
				.writeByteByByte("id: 7\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n".getBytes(StandardCharsets.UTF_8));
		});
		connect(server.uri());
		assertThat(this.events.next(TIMEOUT)).isEqualTo(new SseEvent("7", "message", "a\nb", null, null));
		assertThat(this.events.next(TIMEOUT)).isEqualTo(new SseEvent("7", "message", "c", null, null));
	}

	@Test
	void dropsLeadingByteOrderMark() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			exchange.writeByteByByte(BOM);
			exchange.write("data: after bom\n\n");
		});
		connect(server.uri());
		assertThat(this.events.next(TIMEOUT)).isEqualTo(SseEvent.of("message", "after bom"));
	}

	@Test
	void opensWhenContentTypeHasParameters() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respond(200, "Text/Event-Stream; charset=utf-8");
			exchange.write("data: ok\n\n");
		});
		connect(server.uri());
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("ok");
		assertThat(this.recorder.states).startsWith(ReadyState.CONNECTING, ReadyState.OPEN);
	}

	@Test
	void sendsEventStreamHeadersWithoutLastEventIdOnFirstRequest() throws Exception {
		ScriptedServer server = server(stream("data: x\n\n"));
		connect(server.uri(), (builder) -> builder.header("Authorization", "Bearer t"));
		this.events.next(TIMEOUT);
		ScriptedServer.Request request = server.requests().get(0);
		assertThat(request.requestLine()).isEqualTo("GET /events HTTP/1.1");
		assertThat(request.header("Accept")).isEqualTo("text/event-stream");
		assertThat(request.header("Cache-Control")).isEqualTo("no-cache");
		assertThat(request.header("Authorization")).isEqualTo("Bearer t");
		assertThat(request.header("Last-Event-ID")).isNull();
	}

	@Test
	void sendsConfiguredLastEventIdOnFirstRequest() throws Exception {
		ScriptedServer server = server(stream("data: x\n\n"));
		connect(server.uri(), (builder) -> builder.lastEventId("41"));
		assertThat(this.events.next(TIMEOUT).id()).isEqualTo("41");
		assertThat(server.requests().get(0).header("Last-Event-ID")).isEqualTo("41");
	}

	@Test
	void stopsWithoutReconnectingOnNoContent() throws Exception {
		ScriptedServer server = server((exchange) -> exchange.respond(204, null));
		SseClient client = connect(server.uri());
		Termination reason = this.events.awaitClose(TIMEOUT);
		assertThat(reason.kind()).isEqualTo(Termination.Kind.HTTP_STATUS);
		assertThat(reason.statusCode()).isEqualTo(204);
		assertThat(client.readyState()).isEqualTo(ReadyState.CLOSED);
		assertThat(client.termination()).isEqualTo(reason);
		await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> server.requests().size() == 1);
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> this.events.next(TIMEOUT));
		assertThat(this.recorder.states).containsExactly(ReadyState.CONNECTING, ReadyState.CLOSED);
	}

	@Test
	void stopsOnServerError() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respond(500, "text/event-stream");
			exchange.write("data: not an event\n\n");
		});
		connect(server.uri());
		Termination reason = this.events.awaitClose(TIMEOUT);
		assertThat(reason).isEqualTo(Termination.status(500, "text/event-stream"));
		await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> server.requests().size() == 1);
		assertThat(this.recorder.delays).isEmpty();
	}

	@Test
	void stopsOnSuccessOtherThanOk() throws Exception {
		ScriptedServer server = server((exchange) -> exchange.respond(205, "text/event-stream"));
		connect(server.uri());
		assertThat(this.events.awaitClose(TIMEOUT)).isEqualTo(Termination.status(205, "text/event-stream"));
	}

	@Test
	void stopsOnWrongContentType() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respond(200, "text/plain");
			exchange.write("data: not an event\n\n");
		});
		connect(server.uri());
		assertThat(this.events.awaitClose(TIMEOUT)).isEqualTo(Termination.contentType(200, "text/plain"));
		await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> server.requests().size() == 1);
	}

	@Test
	void stopsOnMissingContentType() throws Exception {
		ScriptedServer server = server((exchange) -> exchange.respond(200, null));
		connect(server.uri());
		assertThat(this.events.awaitClose(TIMEOUT)).isEqualTo(Termination.contentType(200, null));
	}

	@Test
	void closeReturnsPromptlyAndReleasesStalledConnection() throws Exception {
		CompletableFuture<Boolean> peerClosed = new CompletableFuture<>();
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			exchange.write("data: first\n\n");
			peerClosed.complete(exchange.awaitPeerClose(TIMEOUT));
		});
		SseClient client = connect(server.uri());
		this.events.next(TIMEOUT);
		assertThat(client.readyState()).isEqualTo(ReadyState.OPEN);
		long start = System.nanoTime();
		client.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(peerClosed.get(1, TimeUnit.SECONDS)).isTrue();
		assertThat(client.readyState()).isEqualTo(ReadyState.CLOSED);
		assertThat(this.events.awaitClose(TIMEOUT)).isEqualTo(Termination.closed());
		await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> server.requests().size() == 1);
	}

	@Test
	void closeCancelsRequestWaitingForHeaders() throws Exception {
		CompletableFuture<Boolean> peerClosed = new CompletableFuture<>();
		ScriptedServer server = server((exchange) -> peerClosed.complete(exchange.awaitPeerClose(TIMEOUT)));
		SseClient client = connect(server.uri());
		await().atMost(TIMEOUT).until(() -> server.requests().size() == 1);
		client.close();
		assertThat(peerClosed.get(1, TimeUnit.SECONDS)).isTrue();
		assertThat(this.recorder.states).containsExactly(ReadyState.CONNECTING, ReadyState.CLOSED);
	}

	@Test
	void reconnectsAfterServerRetryWithLastEventId() throws Exception {
		ScriptedServer server = server(stream("retry: 300\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n"),
				stream("data: c\n\n"));
		SseClient client = connect(server.uri());
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("a");
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("b");
		SseEvent third = this.events.next(TIMEOUT);
		assertThat(third).isEqualTo(new SseEvent("2", "message", "c", null, null));
		List<ScriptedServer.Request> requests = server.requests();
		assertThat(requests).hasSize(2);
		assertThat(requests.get(0).header("Last-Event-ID")).isNull();
		assertThat(requests.get(1).header("Last-Event-ID")).isEqualTo("2");
		assertThat(requests.get(1).header("Accept")).isEqualTo("text/event-stream");
		assertThat(requests.get(1).header("Cache-Control")).isEqualTo("no-cache");
		assertThat(Duration.ofNanos(requests.get(1).receivedNanos() - requests.get(0).receivedNanos()))
			.isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(this.recorder.delays).first().isEqualTo(Duration.ofMillis(300));
		assertThat(this.recorder.causes).first().isEqualTo("end");
		assertThat(client.reconnectTime()).isEqualTo(Duration.ofMillis(300));
		assertThat(this.recorder.states).startsWith(ReadyState.CONNECTING, ReadyState.OPEN, ReadyState.CONNECTING,
				ReadyState.OPEN);
	}

	@Test
	void reconnectsWithoutLastEventIdAfterEmptyId() throws Exception {
		ScriptedServer server = server(stream("id: 1\ndata: a\n\nid\n\n"), stream("data: b\n\n"));
		SseClient client = connect(server.uri());
		assertThat(this.events.next(TIMEOUT).id()).isEqualTo("1");
		assertThat(this.events.next(TIMEOUT)).isEqualTo(SseEvent.of("message", "b"));
		assertThat(server.requests().get(1).header("Last-Event-ID")).isNull();
		assertThat(client.lastEventId()).isEmpty();
	}

	@Test
	void resumesFromServerReplayAcrossReconnects() throws Exception {
		List<String> history = List.of("1", "2", "3", "4", "5");
		ScriptedServer.Script replayTwo = (exchange) -> replay(exchange, history, 2);
		ScriptedServer server = server(replayTwo, replayTwo, replayTwo);
		connect(server.uri());
		List<String> received = new ArrayList<>();
		for (int i = 0; i < history.size(); i++) {
			SseEvent event = this.events.next(TIMEOUT);
			assertThat(event.id()).isEqualTo(event.data());
			received.add(event.data());
		}
		assertThat(received).isEqualTo(history);
		// The fourth connection is answered 204: nothing left, so stop.
		assertThat(this.events.awaitClose(TIMEOUT).statusCode()).isEqualTo(204);
		assertThat(server.requests()).extracting((request) -> request.header("Last-Event-ID"))
			.containsExactly(null, "2", "4", "5");
	}

	private static void replay(Exchange exchange, List<String> history, int count) throws IOException {
		String lastEventId = exchange.request().header("Last-Event-ID");
		int from = (lastEventId != null) ? history.indexOf(lastEventId) + 1 : 0;
		exchange.respondEventStream();
		StringBuilder body = new StringBuilder("retry: 20\n\n");
		for (String id : history.subList(from, Math.min(from + count, history.size()))) {
			body.append("id: ").append(id).append("\ndata: ").append(id).append("\n\n");
		}
		exchange.write(body.toString());
	}

	@Test
	void backsOffOnRepeatedConnectionFailuresUpToMaximum() throws Exception {
		ScriptedServer server = server();
		URI uri = server.uri();
		server.close();
		connect(uri,
				(builder) -> builder.reconnectTime(Duration.ofMillis(100)).maxReconnectTime(Duration.ofMillis(400)));
		await().atMost(TIMEOUT).until(() -> this.recorder.delays.size() >= 5);
		List<Duration> delays = this.recorder.delays.subList(0, 5);
		assertThat(delays.get(0)).isEqualTo(Duration.ofMillis(100));
		assertThat(delays.get(1)).isBetween(Duration.ofMillis(160), Duration.ofMillis(240));
		assertThat(delays.get(2)).isBetween(Duration.ofMillis(320), Duration.ofMillis(400));
		assertThat(delays.get(3)).isBetween(Duration.ofMillis(320), Duration.ofMillis(400));
		assertThat(delays.get(4)).isBetween(Duration.ofMillis(320), Duration.ofMillis(400));
		assertThat(this.recorder.causes).allMatch((cause) -> cause.startsWith("ConnectException"));
		assertThat(this.recorder.states).doesNotContain(ReadyState.OPEN, ReadyState.CLOSED);
	}

	@Test
	void honoursServerRetryLongerThanMaximum() throws Exception {
		ScriptedServer server = server(stream("retry: 600\ndata: a\n\n"), stream("data: b\n\n"));
		connect(server.uri(), (builder) -> builder.maxReconnectTime(Duration.ofMillis(100)));
		this.events.next(TIMEOUT);
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("b");
		assertThat(this.recorder.delays).first().isEqualTo(Duration.ofMillis(600));
	}

	@Test
	void reconnectsWhenEventExceedsSizeLimit() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			exchange.write(": " + "c".repeat(300) + "\n");
			exchange.write("data: " + "x".repeat(60) + "\n");
			exchange.write("data: " + "x".repeat(60) + "\n");
		}, stream("data: small\n\n"));
		connect(server.uri(), (builder) -> builder.maxEventSize(100));
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("small");
		assertThat(this.recorder.causes).first().asString().contains("exceeds 100 bytes");
	}

	@Test
	void reconnectsOnNewConnectionAfterCancellingKeptAliveResponse() throws Exception {
		CompletableFuture<Boolean> peerClosed = new CompletableFuture<>();
		ScriptedServer server = server((exchange) -> {
			exchange.respondChunked();
			exchange.writeChunk(("id: 1\ndata: " + "x".repeat(200) + "\n").getBytes(StandardCharsets.UTF_8));
			peerClosed.complete(exchange.awaitPeerClose(TIMEOUT));
		}, stream("data: fresh\n\n"));
		connect(server.uri(), (builder) -> builder.maxEventSize(100));
		assertThat(peerClosed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("fresh");
		assertThat(server.requests()).hasSize(2);
	}

	@Test
	void reconnectsWhenConnectionStaysSilentPastIdleTimeout() throws Exception {
		CompletableFuture<Boolean> peerClosed = new CompletableFuture<>();
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			exchange.write("id: 1\ndata: a\n\n");
			peerClosed.complete(exchange.awaitPeerClose(TIMEOUT));
		}, stream("data: b\n\n"));
		connect(server.uri(), (builder) -> builder.idleTimeout(Duration.ofMillis(300)));
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("a");
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("b");
		assertThat(peerClosed.get(1, TimeUnit.SECONDS)).isTrue();
		assertThat(this.recorder.causes).first().isEqualTo("IOException: no data within 300 ms");
		assertThat(server.requests().get(1).header("Last-Event-ID")).isEqualTo("1");
	}

	@Test
	void keepAliveCommentsHoldIdleConnectionOpen() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			for (int i = 0; i < 6; i++) {
				exchange.write(":\n");
				exchange.awaitPeerClose(Duration.ofMillis(100));
			}
			exchange.write("data: still here\n\n");
			exchange.awaitPeerClose(TIMEOUT);
		});
		connect(server.uri(), (builder) -> builder.idleTimeout(Duration.ofMillis(300)));
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("still here");
		assertThat(this.recorder.delays).isEmpty();
	}

	@Test
	void idleTimeoutCoversWaitForHeaders() throws Exception {
		ScriptedServer server = server((exchange) -> exchange.awaitPeerClose(TIMEOUT), stream("data: b\n\n"));
		connect(server.uri(), (builder) -> builder.idleTimeout(Duration.ofMillis(200)));
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("b");
		assertThat(this.recorder.causes).first().isEqualTo("IOException: no data within 200 ms");
	}

	@Test
	void reportsDropBeforeNextConnectionWithZeroRetry() throws Exception {
		ScriptedServer server = server(stream("retry: 0\ndata: a\n\n"), stream("data: b\n\n"));
		connect(server.uri());
		this.events.next(TIMEOUT);
		this.events.next(TIMEOUT);
		assertThat(this.recorder.states).startsWith(ReadyState.CONNECTING, ReadyState.OPEN, ReadyState.CONNECTING,
				ReadyState.OPEN);
		assertThat(this.recorder.delays).first().isEqualTo(Duration.ZERO);
	}

	@Test
	void waitsOutHugeRetryUntilClosed() throws Exception {
		ScriptedServer server = server(stream("retry: 9223372036854775807\ndata: a\n\n"));
		SseClient client = connect(server.uri());
		this.events.next(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> !this.recorder.delays.isEmpty());
		assertThat(this.recorder.delays.get(0)).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
		assertThat(client.readyState()).isEqualTo(ReadyState.CONNECTING);
		client.close();
		assertThat(this.events.awaitClose(TIMEOUT)).isEqualTo(Termination.closed());
		assertThat(server.requests()).hasSize(1);
	}

	@Test
	void closeEndsThreadOfClientsOwnScheduler() throws Exception {
		ScriptedServer.Script silent = (exchange) -> {
			exchange.respondEventStream();
			exchange.awaitPeerClose(TIMEOUT);
		};
		ScriptedServer server = server(silent, silent);
		Set<Thread> schedulerThreads = ConcurrentHashMap.newKeySet();
		SseClient client = connect(server.uri(),
				(builder) -> builder.idleTimeout(Duration.ofMillis(200)).listener(new SseListener() {

					@Override
					public void onEvent(SseEvent event) {
					}

					@Override
					public void onReconnecting(Duration delay, @Nullable Throwable cause) {
						// The idle timeout is detected on the scheduler's thread.
						schedulerThreads.add(Thread.currentThread());
					}

				}));
		await().atMost(TIMEOUT).until(() -> server.requests().size() == 2);
		assertThat(schedulerThreads).singleElement()
			.satisfies((thread) -> assertThat(thread.getName()).startsWith("sse-client-scheduler-"))
			.satisfies((thread) -> assertThat(thread.isAlive()).isTrue());
		client.close();
		await().atMost(TIMEOUT).until(() -> schedulerThreads.stream().noneMatch(Thread::isAlive));
	}

	@Test
	void closeCancelsTasksOnGivenSchedulerWithoutShuttingItDown() throws Exception {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		scheduler.setRemoveOnCancelPolicy(true);
		this.resources.add(scheduler::shutdownNow);
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			exchange.awaitPeerClose(TIMEOUT);
		});
		SseClient client = connect(server.uri(),
				(builder) -> builder.scheduler(scheduler).idleTimeout(Duration.ofSeconds(30)));
		await().atMost(TIMEOUT).until(() -> client.readyState() == ReadyState.OPEN);
		// The idle check is scheduled once the request is sent, maybe after the response
		// arrived.
		await().atMost(TIMEOUT).until(() -> scheduler.getQueue().size() == 1);
		client.close();
		assertThat(scheduler.getQueue()).isEmpty();
		assertThat(scheduler.isShutdown()).isFalse();
	}

	@Test
	void closesWithErrorWhenGivenSchedulerRefusesReconnect() throws Exception {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		scheduler.shutdown();
		ScriptedServer server = server(stream("data: a\n\n"));
		connect(server.uri(), (builder) -> builder.scheduler(scheduler));
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("a");
		Termination termination = this.events.awaitClose(TIMEOUT);
		assertThat(termination.kind()).isEqualTo(Termination.Kind.ERROR);
		assertThat(termination.error()).isInstanceOf(RejectedExecutionException.class);
	}

	@Test
	void rejectsBadConfiguration() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(URI.create("ftp://host/events")))
			.withMessageContaining("'uri'");
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder(URI.create("/events")));
		SseClient.Builder builder = SseClient.builder(URI.create("http://127.0.0.1/events"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.header("Connection", "close"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.header("Accept", "*/*"))
			.withMessage("'Accept' is set by the client");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.header("X-Bad", "a\nb"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.lastEventId("1\n2"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.reconnectTime(Duration.ofMillis(-1)))
			.withMessage("'reconnectTime' must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxEventSize(0))
			.withMessage("'maxEventSize' must be positive");
	}

	@Test
	void connectsOnlyOnce() throws Exception {
		ScriptedServer server = server(stream("data: x\n\n"));
		SseClient client = connect(server.uri());
		assertThatIllegalStateException().isThrownBy(client::connect);
		client.close();
		client.close();
		assertThat(this.events.awaitClose(TIMEOUT)).isEqualTo(Termination.closed());
		assertThat(this.recorder.states).endsWith(ReadyState.CLOSED).containsOnlyOnce(ReadyState.CLOSED);
	}

	@Test
	void keepsDeliveringWhenListenerThrows() throws Exception {
		ScriptedServer server = server(stream("data: 1\n\ndata: 2\n\n"));
		connect(server.uri(), (builder) -> builder.listener((event) -> {
			throw new IllegalStateException("listener bug");
		}));
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("1");
		assertThat(this.events.next(TIMEOUT).data()).isEqualTo("2");
	}

	@Test
	void timesOutWhenNoEventArrives() throws Exception {
		ScriptedServer server = server((exchange) -> {
			exchange.respondEventStream();
			exchange.awaitPeerClose(TIMEOUT);
		});
		connect(server.uri());
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> this.events.next(Duration.ofMillis(100)));
	}

}
