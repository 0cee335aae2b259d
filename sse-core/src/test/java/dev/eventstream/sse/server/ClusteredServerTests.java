package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A server built with an {@link SseCluster}: the test holds the cluster's log and decides
 * when the server reads each entry back, which a real cluster (Redis, in sse-redis) does
 * on its own thread.
 */
class ClusteredServerTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	private final Log log = new Log();

	private final SseServer<String> server = this.servers
		.start((builder) -> builder.cluster(this.log).presenceGrace(Duration.ofMillis(200)));

	@Test
	void publishingAppendsToTheLogAndDeliversWhatIsReadBack() {
		TestConnection connection = TestConnection.open(this.server, "alice");

		String id = this.server.broadcast(SseEvent.of("tick", "1"));

		assertThat(id).isEqualTo("1");
		assertThat(connection.events()).isEmpty();
		this.log.deliverAll();
		assertThat(connection.awaitEvents(1)).containsExactly(new RecordedFrame("1", "tick", "1", null, null));
	}

	@Test
	void clientAheadOfThisServerWaitsUntilTheServerCaughtUp() {
		this.server.broadcast(SseEvent.of("one"));
		this.server.broadcast(SseEvent.of("two"));
		this.log.deliver(1);

		// The client already received event 2 from another server, which read the log
		// sooner.
		CompletableFuture<TestConnection> connecting = CompletableFuture
			.supplyAsync(() -> TestConnection.open(this.server.connect("bob", "2")));
		await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> !connecting.isDone());
		this.log.deliver(1);
		TestConnection connection = connecting.join();
		this.server.broadcast(SseEvent.of("three"));
		this.log.deliverAll();

		assertThat(connection.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly("3");
		assertThat(connection.text()).startsWith("retry: 3000\n\nid: 2\n\n");
	}

	@Test
	void clientBehindIsReplayedFromTheLogUpToWhatThisServerDelivered() {
		this.server.broadcast(SseEvent.of("one"));
		this.server.broadcast(SseEvent.of("two"));
		this.server.send("carol", SseEvent.of("not yet connected")).ifPresent((id) -> {
			throw new AssertionError("carol is connected nowhere");
		});
		this.log.deliverAll();

		TestConnection connection = TestConnection.open(this.server.connect("carol", "1"));
		this.server.broadcast(SseEvent.of("three"));
		this.log.deliverAll();

		assertThat(connection.awaitEvents(2)).extracting(RecordedFrame::id).containsExactly("2", "3");
	}

	@Test
	void unreachableLogOnReplayGivesTheMissedSignal() {
		this.log.unavailable = true;
		TestConnection connection = TestConnection.open(this.server.connect("dave", "7"));
		assertThat(connection.awaitEvents(1)).containsExactly(new RecordedFrame(null, "missed", "", null, null));
		assertThat(this.server.connectionCount()).isEqualTo(1);
	}

	@Test
	void sendsToASourceConnectedOnAnotherServer() {
		this.log.elsewhere.add("erin");
		assertThat(this.server.send("erin", SseEvent.of("hi"))).contains("1");
		assertThat(this.server.send("frank", SseEvent.of("hi"))).isEmpty();
		assertThat(this.log.entries).extracting((entry) -> entry.audience().source()).containsExactly("erin");
	}

	@Test
	void recordsWhereItsSourcesAreConnected() {
		TestConnection first = TestConnection.open(this.server, "gina");
		TestConnection second = TestConnection.open(this.server, "gina");
		assertThat(this.log.presence).containsExactly("+gina");
		first.disconnect();
		second.disconnect();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.log.presence.equals(List.of("+gina", "-gina")));
	}

	@Test
	void payloadsComputedPerSourceAreNotSupported() {
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.server.newEvent("x").send((id, lastEventId) -> "data"))
			.withMessageContaining("not supported in a cluster");
	}

	@Test
	void reportsWhetherTheClusterIsAvailableAndClosesIt() {
		assertThat(this.server.clusterAvailable()).contains(true);
		this.log.unavailable = true;
		assertThat(this.server.clusterAvailable()).contains(false);
		this.server.close();
		assertThat(this.log.closed).isTrue();
	}

	record Entry(String id, Audience<String> audience, UnnumberedFrame frame) {
	}

	/** A log whose ids are 1, 2, 3...; read back only when the test says so. */
	static final class Log implements SseCluster<String> {

		final List<Entry> entries = new CopyOnWriteArrayList<>();

		final Set<String> elsewhere = ConcurrentHashMap.newKeySet();

		final List<String> presence = new CopyOnWriteArrayList<>();

		volatile boolean unavailable;

		volatile boolean closed;

		private @Nullable Receiver<String> receiver;

		private int delivered;

		@Override
		public String start(Receiver<String> receiver) {
			this.receiver = receiver;
			return EventHistory.ORIGIN;
		}

		@Override
		public synchronized String append(Audience<String> audience, UnnumberedFrame frame) {
			String id = Integer.toString(this.entries.size() + 1);
			this.entries.add(new Entry(id, audience, frame));
			return id;
		}

		synchronized void deliver(int count) {
			for (int i = 0; i < count; i++) {
				Entry entry = this.entries.get(this.delivered++);
				this.receiver.receive(entry.id(), entry.audience(), entry.frame().withId(entry.id()),
						System.currentTimeMillis());
			}
		}

		synchronized void deliverAll() {
			deliver(this.entries.size() - this.delivered);
		}

		@Override
		public EventHistory.Replay replay(String lastEventId, String upToId, String source, Set<String> topics) {
			if (this.unavailable) {
				throw new ClusterUnavailableException("down", null);
			}
			List<byte[]> frames = new ArrayList<>();
			for (Entry entry : this.entries) {
				boolean inRange = compareIds(entry.id(), lastEventId) > 0 && compareIds(entry.id(), upToId) <= 0;
				if (inRange && entry.audience().includes(source, topics)) {
					frames.add(entry.frame().withId(entry.id()));
				}
			}
			return new EventHistory.Replay(true, frames, null);
		}

		@Override
		public int compareIds(String id, String otherId) {
			return Long.compare(Long.parseLong(id), Long.parseLong(otherId));
		}

		@Override
		public boolean isConnected(String sourceId) {
			return this.elsewhere.contains(sourceId);
		}

		@Override
		public void connected(String sourceId) {
			this.presence.add("+" + sourceId);
		}

		@Override
		public void disconnected(String sourceId) {
			this.presence.add("-" + sourceId);
		}

		@Override
		public void subscribed(String sourceId, String topic) {
			this.presence.add("+" + sourceId + "@" + topic);
		}

		@Override
		public void unsubscribed(String sourceId, String topic) {
			this.presence.add("-" + sourceId + "@" + topic);
		}

		@Override
		public Set<String> presence(String topic) {
			return Set.of();
		}

		@Override
		public boolean isAvailable() {
			return !this.unavailable;
		}

		@Override
		public void close() {
			this.closed = true;
		}

	}

}
