package dev.eventstream.sse.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SseServerListenerTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	private final RecordingListener listener = new RecordingListener();

	private SseServer<String> start() {
		return this.servers.start((builder) -> builder.listener(this.listener));
	}

	@Test
	void reportsEachPublishedEventOnceWithItsName() {
		SseServer<String> server = start();
		TestConnection.open(server.connect("alice", null));
		TestConnection.open(server.connect("bob", null));
		server.broadcast(SseEvent.of("tick", "1"));
		server.broadcast(SseEvent.of("plain"));
		server.newEvent("note").sendTo("alice", "for alice");
		server.newEvent("note").sendTo("nobody", "lost");
		server.newEvent("hello").send((sourceId, lastEventId) -> "hi " + sourceId);
		assertThat(this.listener.published).containsExactly("tick", null, "note", "hello");
	}

	@Test
	void reportsDeliveryOfEachEventFrameAfterTheFlushThatCarriedIt() {
		SseServer<String> server = start();
		TestConnection alice = TestConnection.open(server.connect("alice", null));
		List<Integer> flushedAtDelivery = Collections.synchronizedList(new ArrayList<>());
		this.listener.onDelivered = () -> flushedAtDelivery.add(alice.flushedWrites());
		long before = System.nanoTime();
		for (int i = 0; i < 40; i++) {
			server.broadcast(SseEvent.of("event " + i));
		}
		long after = System.nanoTime();
		alice.awaitEvents(40);
		await().atMost(TestConnection.TIMEOUT).until(() -> this.listener.delivered.size() == 40);
		// retry and priming come first: the n-th event is the (n + 2)-th write
		for (int n = 1; n <= 40; n++) {
			assertThat(flushedAtDelivery.get(n - 1)).isGreaterThanOrEqualTo(n + 2);
		}
		assertThat(this.listener.delivered).allMatch((nanos) -> nanos - before >= 0 && after - nanos >= 0);
		assertThat(alice.callsWithoutReady()).isZero();
	}

	@Test
	void reportsDeliveryOncePerConnection() {
		SseServer<String> server = start();
		TestConnection alice = TestConnection.open(server.connect("alice", null));
		TestConnection aliceAgain = TestConnection.open(server.connect("alice", null));
		TestConnection bob = TestConnection.open(server.connect("bob", null));
		server.broadcast(SseEvent.of("all"));
		server.send("alice", SseEvent.of("alice only"));
		alice.awaitEvents(2);
		aliceAgain.awaitEvents(2);
		bob.awaitEvents(1);
		await().atMost(TestConnection.TIMEOUT).until(() -> this.listener.delivered.size() == 5);
		assertThat(this.listener.published).hasSize(2);
	}

	@Test
	void doesNotReportKeepAlivesOrControlFramesAsDelivered() {
		SseServer<String> server = start();
		TestConnection alice = TestConnection.open(server.connect("alice", null));
		long idle = TimeUnit.SECONDS.toNanos(60);
		alice.keepAliveIfIdle(System.nanoTime() + idle, idle, Frame.control(":\n\n".getBytes(StandardCharsets.UTF_8)));
		await().atMost(TestConnection.TIMEOUT).until(() -> alice.comments().size() == 1);
		server.get("alice").orElseThrow().close();
		alice.awaitClosed();
		assertThat(alice.text()).contains("event: close");
		assertThat(this.listener.delivered).isEmpty();
		assertThat(this.listener.queued).isEmpty();
	}

	@Test
	void reportsQueueDepthAtEachEnqueue() {
		SseServer<String> server = start();
		TestConnection alice = TestConnection.open(server.connect("alice", null));
		alice.stall();
		server.broadcast(SseEvent.of("first"));
		alice.awaitStalled();
		server.broadcast(SseEvent.of("second"));
		server.broadcast(SseEvent.of("third"));
		assertThat(this.listener.queued).containsExactly(1, 2, 3);
		alice.becomeWritable();
		alice.awaitEvents(3);
	}

	@Test
	void reportsReplayedFramesButNotAsDelivered() {
		SseServer<String> server = start();
		TestConnection.open(server.connect("bob", null));
		String first = server.broadcast(SseEvent.of("one"));
		server.broadcast(SseEvent.of("two"));
		server.broadcast(SseEvent.of("three"));
		await().atMost(TestConnection.TIMEOUT).until(() -> this.listener.delivered.size() == 3);
		TestConnection alice = TestConnection.open(server.connect("alice", first));
		assertThat(alice.awaitEvents(2)).extracting(RecordedFrame::data).containsExactly("two", "three");
		assertThat(this.listener.replayed).containsExactly(2);
		TestConnection.open(server.connect("carol", server.broadcast(SseEvent.of("four"))));
		assertThat(this.listener.replayed).containsExactly(2);
		alice.awaitEvents(3);
		await().atMost(TestConnection.TIMEOUT).until(() -> this.listener.delivered.size() == 5);
	}

	@Test
	void keepsPublishingAndDeliveringWhenListenerThrows() {
		SseServerListener failing = new SseServerListener() {

			@Override
			public void onPublished(@Nullable String event) {
				throw new IllegalStateException("published");
			}

			@Override
			public void onQueued(int depth) {
				throw new IllegalStateException("queued");
			}

			@Override
			public void onReplayed(int frames) {
				throw new IllegalStateException("replayed");
			}

			@Override
			public void onDelivered(long publishedNanos) {
				throw new IllegalStateException("delivered");
			}

		};
		SseServer<String> server = this.servers.start((builder) -> builder.listener(failing).listener(this.listener));
		TestConnection alice = TestConnection.open(server.connect("alice", null));
		String first = server.broadcast(SseEvent.of("one"));
		server.broadcast(SseEvent.of("two"));
		assertThat(alice.awaitEvents(2)).extracting(RecordedFrame::data).containsExactly("one", "two");
		TestConnection again = TestConnection.open(server.connect("alice", first));
		assertThat(again.awaitEvents(1)).extracting(RecordedFrame::data).containsExactly("two");
		await().atMost(TestConnection.TIMEOUT).until(() -> this.listener.delivered.size() == 2);
		assertThat(this.listener.published).hasSize(2);
		assertThat(this.listener.replayed).containsExactly(1);
	}

	static final class RecordingListener implements SseServerListener {

		final List<@Nullable String> published = Collections.synchronizedList(new ArrayList<>());

		final List<Integer> queued = Collections.synchronizedList(new ArrayList<>());

		final List<Integer> replayed = Collections.synchronizedList(new ArrayList<>());

		final List<Long> delivered = Collections.synchronizedList(new ArrayList<>());

		volatile Runnable onDelivered = () -> {
		};

		@Override
		public void onPublished(@Nullable String event) {
			this.published.add(event);
		}

		@Override
		public void onQueued(int depth) {
			this.queued.add(depth);
		}

		@Override
		public void onReplayed(int frames) {
			this.replayed.add(frames);
		}

		@Override
		public void onDelivered(long publishedNanos) {
			this.onDelivered.run();
			this.delivered.add(publishedNanos);
		}

	}

}
