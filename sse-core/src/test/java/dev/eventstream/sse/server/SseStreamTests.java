package dev.eventstream.sse.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SseStreamTests {

	private static final Frame KEEP_ALIVE = Frame.control(":\n\n".getBytes(StandardCharsets.UTF_8));

	@RegisterExtension
	final TestServers servers = new TestServers();

	@Test
	void stalledConnectionKeepsFramesQueuedUntilWritableThenWritesThemInOrder() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		connection.stall();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(server.broadcast(SseEvent.of("event " + i)));
		}
		connection.awaitStalled();
		assertThat(connection.events()).isEmpty();
		assertThat(connection.stream().queuedFrames()).isEqualTo(5);
		// Like a container, becomeWritable() calls onWritePossible() on this thread,
		// which drains.
		connection.becomeWritable();
		assertThat(connection.eventIds()).isEqualTo(ids);
		assertThat(connection.eventData()).containsExactly("event 0", "event 1", "event 2", "event 3", "event 4");
		assertThat(connection.stream().queuedFrames()).isZero();
		String live = server.broadcast(SseEvent.of("live"));
		assertThat(connection.awaitEvents(6)).extracting(RecordedFrame::id).last().isEqualTo(live);
	}

	@Test
	void connectionStalledFromTheStartGetsItsPreambleOnceWritable() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.openStalled(server.connect("alice", null));
		String id = server.broadcast(SseEvent.of("first"));
		assertThat(connection.text()).isEmpty();
		assertThat(connection.stream().queuedFrames()).isEqualTo(3);
		connection.becomeWritable();
		assertThat(connection.text()).isEqualTo("retry: 3000\n\nid: 0\n\nid: " + id + "\ndata: first\n\n");
	}

	@Test
	void overflowingConnectionIsClosedWhileOthersKeepReceiving() {
		SseServer<String> server = this.servers.start((builder) -> builder.bufferCapacity(4));
		TestConnection slow = TestConnection.open(server, "slow");
		TestConnection fast = TestConnection.open(server, "fast");
		slow.stall();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ids.add(server.broadcast(SseEvent.of("event " + i)));
			// Keeps the fast client within its small buffer.
			fast.awaitEvents(i + 1);
			if (i < 4) {
				assertThat(slow.isClosed()).isFalse();
			}
		}
		slow.awaitClosed();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.connectionCount() == 1);
		assertThat(slow.closeCalls()).isEqualTo(1);
		assertThat(slow.events()).isEmpty();
		assertThat(slow.stream().isOpen()).isFalse();
		assertThat(slow.stream().queuedFrames()).isZero();
		assertThat(server.get("slow")).isEmpty();
		assertThat(fast.eventIds()).isEqualTo(ids);
		assertThat(fast.isClosed()).isFalse();
	}

	@Test
	void overflowedClientCatchesUpFromHistoryOnReconnect() {
		SseServer<String> server = this.servers.start((builder) -> builder.bufferCapacity(2));
		TestConnection slow = TestConnection.open(server, "slow");
		slow.stall();
		List<String> ids = new ArrayList<>();
		// Until a writer has seen the stall, frames may wait up to 16 times the capacity.
		for (int i = 0; i < 40; i++) {
			ids.add(server.broadcast(SseEvent.of("event " + i)));
		}
		slow.awaitClosed();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.closedConnections(CloseReason.OVERFLOW) == 1);
		assertThat(server.closedConnections(CloseReason.CLIENT)).isZero();
		// The client only saw the priming id, the origin.
		TestConnection again = TestConnection.open(server.connect("slow", EventHistory.ORIGIN));
		assertThat(again.eventIds()).isEqualTo(ids);
	}

	@Test
	void burstBeyondCapacityDoesNotCloseClientThatKeepsReading() {
		SseServer<String> server = this.servers.start((builder) -> builder.bufferCapacity(4));
		TestConnection reader = TestConnection.open(server, "reader");
		for (int i = 0; i < 60; i++) {
			server.broadcast(SseEvent.of("burst " + i));
		}
		assertThat(reader.awaitEvents(60)).hasSize(60);
		assertThat(reader.isClosed()).isFalse();
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void writeFailureReleasesConnection() {
		SseServer<String> server = this.servers.start();
		TestConnection gone = TestConnection.open(server, "gone");
		TestConnection other = TestConnection.open(server, "other");
		gone.failWrites();
		server.broadcast(SseEvent.of("into the void"));
		gone.awaitClosed();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.connectionCount() == 1);
		assertThat(server.closedConnections(CloseReason.CLIENT)).isEqualTo(1);
		assertThat(server.closedConnections(CloseReason.OVERFLOW)).isZero();
		assertThat(server.get("gone")).isEmpty();
		assertThat(gone.stream().isOpen()).isFalse();
		assertThat(gone.closeCalls()).isEqualTo(1);
		assertThat(other.awaitEvents(1)).extracting(RecordedFrame::data).containsExactly("into the void");
	}

	@Test
	void eventsQueuedTogetherAfterAQuietWhileGoOutInTwoFlushes() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		// The retry field and the priming id, flushed when the stream opened.
		awaitQuietWhile(connection);
		// The second is queued while the writer asks whether it may write the first.
		connection.duringNextIsReady(() -> server.broadcast(SseEvent.of("second")));
		server.broadcast(SseEvent.of("first"));
		assertThat(connection.awaitEvents(2)).extracting(RecordedFrame::data).containsExactly("first", "second");
		await().atMost(TestConnection.TIMEOUT).until(() -> connection.flushedWrites() == 4);
		assertThat(connection.flushes()).containsExactly(2, 3, 4);
		assertThat(connection.callsWithoutReady()).isZero();
		assertThat(connection.overlappingCalls()).isZero();
	}

	@Test
	void eventsQueuedTogetherAfterAQuietWhileReleaseAClientThatClosed() {
		SseServer<String> server = this.servers.start();
		TestConnection gone = TestConnection.open(server, "gone");
		awaitQuietWhile(gone);
		gone.failWritesAfterNextFlush();
		gone.duringNextIsReady(() -> server.broadcast(SseEvent.of("second")));
		server.broadcast(SseEvent.of("first"));
		gone.awaitClosed();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.connectionCount() == 0);
		assertThat(server.closedConnections(CloseReason.CLIENT)).isEqualTo(1);
		assertThat(gone.eventData()).containsExactly("first");
		assertThat(gone.callsAfterClose()).isZero();
	}

	@Test
	void eventPublishedJustAfterOneThatEndedAQuietWhileWaitsForThePause() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		awaitQuietWhile(connection);
		server.broadcast(SseEvent.of("first"));
		await().atMost(TestConnection.TIMEOUT).until(() -> connection.flushedWrites() == 3);
		server.broadcast(SseEvent.of("second"));
		assertThat(connection.awaitEvents(2)).extracting(RecordedFrame::data).containsExactly("first", "second");
		List<TestConnection.TimedFrame> frames = connection.timedFrames();
		long pause = frames.get(3).nanos() - frames.get(2).nanos();
		assertThat(Duration.ofNanos(pause)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
		assertThat(connection.flushes()).containsExactly(2, 3, 4);
	}

	@Test
	void eventsQueuedTogetherOnABusyStreamGoOutInOneFlush() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		long opened = System.nanoTime();
		connection.duringNextIsReady(() -> server.broadcast(SseEvent.of("second")));
		server.broadcast(SseEvent.of("first"));
		assertThat(connection.awaitEvents(2)).extracting(RecordedFrame::data).containsExactly("first", "second");
		// A stream counts as idle after a second without writes; a slow run proves
		// nothing here.
		assumeTrue(System.nanoTime() - opened < TimeUnit.MILLISECONDS.toNanos(500));
		await().atMost(TestConnection.TIMEOUT).until(() -> connection.flushedWrites() == 4);
		assertThat(connection.flushes()).containsExactly(2, 4);
	}

	@Test
	void onDisconnectReleasesConnection() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		connection.disconnect();
		assertThat(connection.stream().isOpen()).isFalse();
		assertThat(connection.closeCalls()).isEqualTo(1);
		assertThat(server.connectionCount()).isZero();
		assertThat(server.size()).isZero();
		connection.disconnect();
		connection.endpoint().onWritePossible();
		assertThat(connection.closeCalls()).isEqualTo(1);
		assertThat(connection.callsAfterClose()).isZero();
	}

	@Test
	void onDisconnectReleasesStalledConnection() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		connection.stall();
		server.broadcast(SseEvent.of("pending"));
		connection.awaitStalled();
		// The writer may still be returning from isReady(): then it closes the connection
		// itself.
		connection.disconnect();
		connection.awaitClosed();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.connectionCount() == 0);
		assertThat(connection.closeCalls()).isEqualTo(1);
		assertThat(connection.stream().queuedFrames()).isZero();
		connection.becomeWritable();
		assertThat(connection.events()).isEmpty();
		assertThat(connection.callsAfterClose()).isZero();
	}

	@Test
	void disconnectDuringReadinessCheckClosesConnectionOnlyAfterTheCheck() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		// The container reports the disconnect on its own thread while a writer asks
		// isReady().
		connection.duringNextIsReady(
				() -> CompletableFuture.runAsync(connection::disconnect).orTimeout(5, TimeUnit.SECONDS).join());
		server.broadcast(SseEvent.of("racing"));
		connection.awaitClosed();
		assertThat(connection.overlappingCalls()).isZero();
		assertThat(connection.callsWithoutReady()).isZero();
		assertThat(connection.callsAfterClose()).isZero();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.connectionCount() == 0);
	}

	@Test
	void overflowDuringReadinessCheckClosesConnectionOnlyAfterTheCheck() {
		SseServer<String> server = this.servers.start((builder) -> builder.bufferCapacity(1));
		TestConnection connection = TestConnection.open(server, "alice");
		// Publishing on another thread overflows the buffer while a writer asks
		// isReady().
		// More than the 16 frames that may wait before a writer has seen the stall.
		connection.duringNextIsReady(() -> CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 20; i++) {
				server.broadcast(SseEvent.of("more " + i));
			}
		}).orTimeout(5, TimeUnit.SECONDS).join());
		connection.stall();
		server.broadcast(SseEvent.of("first"));
		connection.awaitClosed();
		assertThat(connection.overlappingCalls()).isZero();
		assertThat(connection.callsWithoutReady()).isZero();
		assertThat(connection.callsAfterClose()).isZero();
	}

	@Test
	void keepAliveWritesCommentToIdleConnection() {
		SseServer<String> server = this.servers.start((builder) -> builder.keepAlive(Duration.ofMillis(100)));
		TestConnection connection = TestConnection.open(server, "alice");
		await().atMost(Duration.ofSeconds(2))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> !connection.comments().isEmpty());
		assertThat(connection.text()).startsWith("retry: 3000\n\nid: 0\n\n:\n\n");
		assertThat(connection.events()).isEmpty();
		assertThat(connection.isClosed()).isFalse();
	}

	@Test
	void keepAliveReleasesVanishedPeer() {
		SseServer<String> server = this.servers.start((builder) -> builder.keepAlive(Duration.ofMillis(100)));
		TestConnection gone = TestConnection.open(server, "gone");
		gone.failWrites();
		gone.awaitClosed();
		await().atMost(Duration.ofSeconds(2)).until(() -> server.connectionCount() == 0);
		assertThat(server.get("gone")).isEmpty();
		assertThat(gone.stream().isOpen()).isFalse();
	}

	@Test
	void keepAliveSkipsConnectionThatWroteRecently() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		long idle = TimeUnit.SECONDS.toNanos(60);
		connection.keepAliveIfIdle(System.nanoTime(), idle, KEEP_ALIVE);
		assertThat(connection.stream().queuedFrames()).isZero();
		connection.keepAliveIfIdle(System.nanoTime() + idle, idle, KEEP_ALIVE);
		await().atMost(TestConnection.TIMEOUT).until(() -> connection.comments().size() == 1);
	}

	@Test
	void keepAliveSkipsConnectionWithPendingFrames() {
		SseServer<String> server = this.servers.start();
		TestConnection connection = TestConnection.open(server, "alice");
		connection.stall();
		server.broadcast(SseEvent.of("pending"));
		connection.awaitStalled();
		long idle = TimeUnit.SECONDS.toNanos(60);
		connection.keepAliveIfIdle(System.nanoTime() + idle, idle, KEEP_ALIVE);
		assertThat(connection.stream().queuedFrames()).isEqualTo(1);
		connection.becomeWritable();
		assertThat(connection.comments()).isEmpty();
		assertThat(connection.eventData()).containsExactly("pending");
	}

	@Test
	void keepAliveWritesCommentOnlyAfterSilence() throws Exception {
		Duration keepAlive = Duration.ofMillis(600);
		SseServer<String> server = this.servers.start((builder) -> builder.keepAlive(keepAlive));
		TestConnection busy = TestConnection.open(server, "busy");
		TestConnection idle = TestConnection.open(server, "idle");
		ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
		AtomicInteger sent = new AtomicInteger();
		try {
			ScheduledFuture<?> publishing = publisher.scheduleAtFixedRate(
					() -> server.send("busy", SseEvent.of("tick " + sent.incrementAndGet())), 0, 20,
					TimeUnit.MILLISECONDS);
			await().atMost(Duration.ofSeconds(10)).until(() -> sent.get() >= 75);
			publishing.cancel(false);
		}
		finally {
			publisher.shutdownNow();
			assertThat(publisher.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
		busy.awaitEvents(sent.get());
		await().atMost(Duration.ofSeconds(5)).until(() -> !idle.comments().isEmpty());
		// The scheduler ticks at half the interval and comments on a connection silent
		// for a tick, so that none stays silent for the whole interval. However threads
		// are scheduled, a comment never follows a write by less than that.
		Duration silence = keepAlive.dividedBy(2);
		assertCommentsFollowSilence(busy, silence);
		assertCommentsFollowSilence(idle, silence);
	}

	/**
	 * Waits, asserting that nothing is written meanwhile, for longer than a stream must
	 * have been idle for its next event to be flushed on its own.
	 */
	private static void awaitQuietWhile(TestConnection connection) {
		await().during(Duration.ofMillis(1200))
			.atMost(Duration.ofSeconds(5))
			.until(() -> connection.writes().size() == 2 && connection.flushedWrites() == 2);
	}

	private static void assertCommentsFollowSilence(TestConnection connection, Duration silence) {
		List<TestConnection.TimedFrame> frames = connection.timedFrames();
		for (int i = 1; i < frames.size(); i++) {
			if (frames.get(i).frame().isComment()) {
				Duration quiet = Duration.ofNanos(frames.get(i).nanos() - frames.get(i - 1).nanos());
				assertThat(quiet).as("silence before comment %d", i).isGreaterThanOrEqualTo(silence);
			}
		}
	}

	@Test
	void streamExposesSourceAndLastEventId() {
		SseServer<String> server = this.servers.start();
		SseStream<String> stream = server.connect("alice", "17");
		assertThat(stream.sourceId()).isEqualTo("alice");
		assertThat(stream.lastEventId()).isEqualTo("17");
		assertThat(server.connect("alice", "").lastEventId()).isNull();
		assertThat(server.connect("alice", null).lastEventId()).isNull();
	}

}
