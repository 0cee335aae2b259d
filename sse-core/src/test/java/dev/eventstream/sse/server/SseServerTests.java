package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class SseServerTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	@Test
	void openRegistersSourceAndConnection() {
		SseServer<String> server = this.servers.start();
		SseStream<String> stream = server.connect("alice", null);
		assertThat(server.size()).isZero();
		assertThat(server.get("alice")).isEmpty();
		TestConnection.open(stream);
		assertThat(server.size()).isEqualTo(1);
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(server.get("alice")).hasValueSatisfying((source) -> {
			assertThat(source.id()).isEqualTo("alice");
			assertThat(source.connectionCount()).isEqualTo(1);
			assertThat(source.streams()).containsExactly(stream);
		});
		assertThat(server.sources()).extracting(SseSource::id).containsExactly("alice");
		assertThat(stream.isOpen()).isTrue();
		assertThat(stream.sourceId()).isEqualTo("alice");
	}

	@Test
	void countsEveryConnectionOfEverySource() {
		SseServer<String> server = this.servers.start();
		TestConnection.open(server, "alice");
		TestConnection.open(server, "alice");
		TestConnection.open(server, "bob");
		assertThat(server.size()).isEqualTo(2);
		assertThat(server.connectionCount()).isEqualTo(3);
		assertThat(server.get("alice")).map(SseSource::connectionCount).hasValue(2);
		assertThat(server.get("bob")).map(SseSource::connectionCount).hasValue(1);
	}

	@Test
	void firstBytesAreRetryThenPrimingOriginIdOnFreshServer() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		assertThat(connection.text()).isEqualTo("retry: 3000\n\nid: 0\n\n");
		assertThat(EventHistory.ORIGIN).isEqualTo("0");
	}

	@Test
	void primingIdIsNewestEventIdOnceEventsWerePublished() {
		SseServer<String> server = this.servers.start();
		server.broadcast(SseEvent.of("one"));
		String newest = server.broadcast(SseEvent.of("two"));
		TestConnection connection = TestConnection.open(server, "alice");
		assertThat(connection.text()).isEqualTo("retry: 3000\n\nid: " + newest + "\n\n");
	}

	@Test
	void sendsConfiguredRetry() {
		SseServer<String> server = this.servers.start((builder) -> builder.retry(Duration.ofMillis(1500)));
		assertThat(TestConnection.open(server, "alice").text()).isEqualTo("retry: 1500\n\nid: 0\n\n");
	}

	@Test
	void sendsNoRetryWhenDisabled() {
		SseServer<String> server = this.servers.start((builder) -> builder.retry(null));
		assertThat(TestConnection.open(server, "alice").text()).isEqualTo("id: 0\n\n");
	}

	@Test
	void broadcastReachesEveryConnectionOfEverySourceOnceAndInOrder() {
		SseServer<String> server = this.servers.start();
		List<TestConnection> connections = new ArrayList<>();
		for (String source : List.of("alice", "bob", "carol")) {
			connections.add(TestConnection.open(server, source));
			connections.add(TestConnection.open(server, source));
		}
		List<String> ids = new ArrayList<>();
		List<String> data = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			data.add("event " + i);
			ids.add(server.broadcast(SseEvent.of(data.get(i))));
		}
		for (TestConnection connection : connections) {
			connection.awaitEvents(50);
			assertThat(connection.eventIds()).isEqualTo(ids);
			assertThat(connection.eventData()).isEqualTo(data);
		}
	}

	@Test
	void broadcastReachesBothTabsOfOneSource() {
		SseServer<String> server = this.servers.start();
		TestConnection tab1 = TestConnection.open(server, "alice");
		TestConnection tab2 = TestConnection.open(server, "alice");
		String id = server.broadcast(SseEvent.of("greeting", "hello"));
		for (TestConnection tab : List.of(tab1, tab2)) {
			assertThat(tab.awaitEvents(1)).containsExactly(new RecordedFrame(id, "greeting", "hello", null, null));
		}
	}

	@Test
	void sendReachesOnlyThatSource() {
		SseServer<String> server = this.servers.start();
		TestConnection alice = TestConnection.open(server, "alice");
		TestConnection aliceTab = TestConnection.open(server, "alice");
		TestConnection bob = TestConnection.open(server, "bob");
		Optional<String> id = server.send("alice", SseEvent.of("for alice"));
		assertThat(id).isPresent();
		// A broadcast after it is a barrier: each connection receives frames in order.
		String barrier = server.broadcast(SseEvent.of("barrier"));
		for (TestConnection connection : List.of(alice, aliceTab)) {
			connection.awaitEvents(2);
			assertThat(connection.eventIds()).containsExactly(id.get(), barrier);
			assertThat(connection.eventData()).containsExactly("for alice", "barrier");
		}
		bob.awaitEvents(1);
		assertThat(bob.eventIds()).containsExactly(barrier);
	}

	@Test
	void sendThroughSourceReachesOnlyThatSource() {
		SseServer<String> server = this.servers.start();
		TestConnection alice = TestConnection.open(server, "alice");
		TestConnection bob = TestConnection.open(server, "bob");
		Optional<String> id = server.get("alice").orElseThrow().send(SseEvent.of("for alice"));
		String barrier = server.broadcast(SseEvent.of("barrier"));
		assertThat(alice.awaitEvents(2)).extracting(RecordedFrame::id).containsExactly(id.orElseThrow(), barrier);
		assertThat(bob.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(barrier);
	}

	@Test
	void sendToUnknownSourceReturnsEmptyAndRecordsNothing() {
		AtomicInteger idsAssigned = new AtomicInteger();
		InMemoryEventHistory<String> history = new InMemoryEventHistory<>(10, null);
		SseServer<String> server = this.servers.start((builder) -> builder.history(history)
			.idGenerator(() -> Integer.toString(idsAssigned.incrementAndGet())));
		TestConnection.open(server, "alice");
		assertThat(server.send("nobody", SseEvent.of("lost"))).isEmpty();
		assertThat(idsAssigned).hasValue(0);
		assertThat(history.newestId()).isEqualTo(EventHistory.ORIGIN);
		assertThat(history.replay(EventHistory.ORIGIN, history.newestId(), "nobody", Set.of()).frames()).isEmpty();
		TestConnection late = TestConnection.open(server.connect("nobody", EventHistory.ORIGIN));
		assertThat(late.text()).isEqualTo("retry: 3000\n\nid: 0\n\n");
	}

	@Test
	void rejectsEventWithId() {
		SseServer<String> server = this.servers.start();
		TestConnection.open(server, "alice");
		SseEvent withId = SseEvent.builder().id("7").data("x").build();
		assertThatIllegalArgumentException().isThrownBy(() -> server.broadcast(withId)).withMessageContaining("'id'");
		assertThatIllegalArgumentException().isThrownBy(() -> server.send("alice", withId));
		assertThatIllegalArgumentException().isThrownBy(() -> server.send("nobody", withId));
		assertThatIllegalArgumentException().isThrownBy(() -> server.get("alice").orElseThrow().send(withId));
	}

	@Test
	void assignsUniqueIncreasingIds() {
		SseServer<String> server = this.servers.start((builder) -> builder.bufferCapacity(1000));
		TestConnection alice = TestConnection.open(server, "alice");
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			ids.add((i % 2 == 0) ? server.broadcast(SseEvent.of("b"))
					: server.send("alice", SseEvent.of("s")).orElseThrow());
		}
		assertThat(new HashSet<>(ids)).hasSize(1000);
		List<Long> numeric = ids.stream().map(Long::parseLong).toList();
		assertThat(numeric).isSorted().doesNotHaveDuplicates();
		assertThat(numeric.get(0)).isGreaterThan(0);
		assertThat(alice.awaitEvents(1000)).extracting(RecordedFrame::id).isEqualTo(ids);
	}

	@Test
	void usesCustomIdGenerator() {
		AtomicInteger next = new AtomicInteger();
		SseServer<String> server = this.servers
			.start((builder) -> builder.idGenerator(() -> "evt-" + next.incrementAndGet()));
		TestConnection alice = TestConnection.open(server, "alice");
		assertThat(server.broadcast(SseEvent.of("one"))).isEqualTo("evt-1");
		assertThat(server.send("alice", SseEvent.of("two"))).hasValue("evt-2");
		assertThat(alice.awaitEvents(2)).extracting(RecordedFrame::id).containsExactly("evt-1", "evt-2");
		assertThat(TestConnection.open(server, "bob").text()).isEqualTo("retry: 3000\n\nid: evt-2\n\n");
	}

	@Test
	void closingLastConnectionRemovesSource() {
		SseServer<String> server = this.servers.start();
		TestConnection tab1 = TestConnection.open(server, "alice");
		TestConnection tab2 = TestConnection.open(server, "alice");
		tab1.disconnect();
		assertThat(server.size()).isEqualTo(1);
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(server.get("alice")).map(SseSource::connectionCount).hasValue(1);
		tab2.disconnect();
		assertThat(server.size()).isZero();
		assertThat(server.connectionCount()).isZero();
		assertThat(server.get("alice")).isEmpty();
		assertThat(server.sources()).isEmpty();
		assertThat(tab1.closeCalls()).isEqualTo(1);
		assertThat(tab2.closeCalls()).isEqualTo(1);
	}

	@Test
	void sourceLastEventIdIsClientsThenEachEventSentToIt() {
		SseServer<String> server = this.servers.start();
		String first = server.broadcast(SseEvent.of("before"));
		TestConnection.open(server.connect("alice", first));
		TestConnection.open(server, "bob");
		SseSource<String> alice = server.get("alice").orElseThrow();
		assertThat(alice.lastEventId()).isEqualTo(first);
		assertThat(server.get("bob").orElseThrow().lastEventId()).isNull();
		String broadcast = server.broadcast(SseEvent.of("all"));
		assertThat(alice.lastEventId()).isEqualTo(broadcast);
		String sent = server.send("alice", SseEvent.of("alice only")).orElseThrow();
		assertThat(alice.lastEventId()).isEqualTo(sent);
		String toBob = server.send("bob", SseEvent.of("bob only")).orElseThrow();
		assertThat(alice.lastEventId()).isEqualTo(sent);
		assertThat(server.get("bob").orElseThrow().lastEventId()).isEqualTo(toBob);
	}

	@Test
	void newTabWithoutLastEventIdKeepsSourceLastEventId() {
		SseServer<String> server = this.servers.start();
		TestConnection.open(server, "alice");
		String sent = server.send("alice", SseEvent.of("x")).orElseThrow();
		TestConnection.open(server, "alice");
		assertThat(server.get("alice").orElseThrow().lastEventId()).isEqualTo(sent);
	}

	@Test
	void sourceCloseSendsCloseEventAndClosesEveryConnection() {
		SseServer<String> server = this.servers.start();
		TestConnection tab1 = TestConnection.open(server, "alice");
		TestConnection tab2 = TestConnection.open(server, "alice");
		TestConnection bob = TestConnection.open(server, "bob");
		String id = server.broadcast(SseEvent.of("last words"));
		server.get("alice").orElseThrow().close();
		for (TestConnection tab : List.of(tab1, tab2)) {
			tab.awaitClosed();
			assertThat(tab.text())
				.isEqualTo("retry: 3000\n\nid: 0\n\nid: " + id + "\ndata: last words\n\nevent: close\ndata:\n\n");
			assertThat(tab.closeCalls()).isEqualTo(1);
		}
		await().atMost(TestConnection.TIMEOUT).until(() -> server.get("alice").isEmpty());
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(bob.isClosed()).isFalse();
		String after = server.broadcast(SseEvent.of("still here"));
		assertThat(bob.awaitEvents(2)).extracting(RecordedFrame::id).containsExactly(id, after);
	}

	@Test
	void sourceCloseSendsNoCloseEventWhenDisabled() {
		SseServer<String> server = this.servers.start((builder) -> builder.closeEvent(null));
		TestConnection alice = TestConnection.open(server, "alice");
		server.get("alice").orElseThrow().close();
		alice.awaitClosed();
		assertThat(alice.text()).isEqualTo("retry: 3000\n\nid: 0\n\n");
	}

	@Test
	void closeWritesQueuedFramesThenClosesEveryConnection() {
		SseServer<String> server = this.servers.start();
		List<TestConnection> connections = List.of(TestConnection.open(server, "alice"),
				TestConnection.open(server, "alice"), TestConnection.open(server, "bob"));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			ids.add(server.broadcast(SseEvent.of("event " + i)));
		}
		server.close();
		assertThat(server.isRunning()).isFalse();
		assertThat(server.connectionCount()).isZero();
		assertThat(server.size()).isZero();
		for (TestConnection connection : connections) {
			assertThat(connection.closeCalls()).isEqualTo(1);
			assertThat(connection.eventIds()).isEqualTo(ids);
			assertThat(connection.text()).endsWith("data: event 99\n\n");
			assertThat(connection.callsAfterClose()).isZero();
		}
	}

	@Test
	void closeWritesFramesQueuedForStalledClientThatResumes() throws Exception {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		connection.stall();
		String id = server.broadcast(SseEvent.of("queued"));
		connection.awaitStalled();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
		await().atMost(TestConnection.TIMEOUT).until(() -> !server.isRunning());
		assertThat(closing).isNotDone();
		connection.becomeWritable();
		closing.get(10, TimeUnit.SECONDS);
		assertThat(connection.eventIds()).containsExactly(id);
		assertThat(connection.closeCalls()).isEqualTo(1);
	}

	@Test
	void closeReturnsOnlyOnceEveryConnectionIsClosed() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		AtomicBoolean closeReturned = new AtomicBoolean();
		AtomicBoolean closedBeforeServerCloseReturned = new AtomicBoolean();
		CountDownLatch serverCloseReturned = new CountDownLatch(1);
		connection.onClose(() -> {
			try {
				// A slow close: gives server.close() the time to return early, if it
				// does.
				serverCloseReturned.await(300, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			closedBeforeServerCloseReturned.set(!closeReturned.get());
		});
		server.close();
		closeReturned.set(true);
		serverCloseReturned.countDown();
		assertThat(connection.closeCalls()).isEqualTo(1);
		assertThat(closedBeforeServerCloseReturned).isTrue();
	}

	@Test
	void closeRejectsLaterConnectionsAndEvents() {
		SseServer<String> server = this.servers.start();
		TestConnection.open(server, "alice");
		ServerEvent<String> event = server.newEvent("tick");
		server.close();
		assertThatIllegalStateException().isThrownBy(() -> TestConnection.open(server, "bob"));
		assertThatIllegalStateException().isThrownBy(() -> TestConnection.open(server, "alice"));
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(() -> server.broadcast(SseEvent.of("late")));
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(() -> event.send("late"));
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(() -> event.send((id, last) -> "late"));
		assertThat(server.size()).isZero();
		assertThat(server.connectionCount()).isZero();
	}

	@Test
	void closeDropsStalledConnectionAfterShutdownTimeout() {
		SseServer<String> server = this.servers.start((builder) -> builder.shutdownTimeout(Duration.ofMillis(200)));
		TestConnection stalled = TestConnection.open(server, "alice");
		TestConnection healthy = TestConnection.open(server, "bob");
		stalled.stall();
		server.broadcast(SseEvent.of("never read"));
		stalled.awaitStalled();
		long start = System.nanoTime();
		server.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(5));
		assertThat(stalled.closeCalls()).isEqualTo(1);
		assertThat(stalled.events()).isEmpty();
		assertThat(healthy.closeCalls()).isEqualTo(1);
		assertThat(healthy.eventData()).containsExactly("never read");
		assertThat(server.connectionCount()).isZero();
		assertThat(server.size()).isZero();
	}

	@Test
	void closeIsIdempotent() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		server.close();
		server.close();
		assertThat(connection.closeCalls()).isEqualTo(1);
	}

	@Test
	void rejectsOpeningStreamTwice() {
		SseServer<String> server = this.servers.start();
		SseStream<String> stream = server.connect("alice", null);
		TestConnection.open(stream);
		assertThatIllegalStateException().isThrownBy(() -> stream.open(TestConnection.create(), null));
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void disconnectBeforeOpenLeavesNothingRegistered() {
		SseServer<String> server = this.servers.start();
		TestConnection.open(server, "alice");
		SseStream<String> stream = server.connect("bob", null);
		stream.abort(CloseReason.CLIENT);
		assertThat(stream.isOpen()).isFalse();
		assertThat(server.connectionCount()).isEqualTo(1);
		TestConnection connection = TestConnection.create();
		assertThatIllegalStateException().isThrownBy(() -> stream.open(connection, null));
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(server.size()).isEqualTo(1);
		assertThat(server.get("bob")).isEmpty();
	}

	@Test
	void rejectedOpenDoesNotCountAsConnection() {
		SseServer<String> server = this.servers.start();
		server.close();
		SseStream<String> stream = server.connect("alice", null);
		assertThatExceptionOfType(ServerClosedException.class)
			.isThrownBy(() -> stream.open(TestConnection.create(), null));
		assertThat(server.connectionCount()).isZero();
	}

	@Test
	void rejectsInvalidBuilderValues() {
		SseServer.Builder<String> builder = SseServer.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.retry(Duration.ofMillis(-1)))
			.withMessage("'retry' must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.keepAlive(Duration.ofMillis(-1)))
			.withMessage("'keepAlive' must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.bufferCapacity(0))
			.withMessage("'bufferCapacity' must be at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.writerThreads(0))
			.withMessage("'writerThreads' must be at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.shutdownTimeout(Duration.ofMillis(-1)))
			.withMessage("'shutdownTimeout' must not be negative");
	}

}
