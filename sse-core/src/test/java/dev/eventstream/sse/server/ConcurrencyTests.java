package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConcurrencyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private SseServer<String> server;

	@BeforeEach
	void startServer() {
		this.server = SseServer.<String>builder()
			.keepAlive(Duration.ZERO)
			.writerThreads(4)
			.bufferCapacity(20_000)
			.history(new InMemoryEventHistory<>(20_000, null))
			.build();
		this.server.start();
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.server.close();
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void stableConnectionsReceiveEveryBroadcastOnceInOrderWhileOthersComeAndGo() throws Exception {
		int publishers = 4;
		int perPublisher = 2_500;
		int total = publishers * perPublisher;
		List<TestConnection> stable = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			stable.add(TestConnection.open(this.server.connect("stable-" + i, null)));
		}
		// Two of the stable sources also get a tab that comes and goes.
		Queue<TestConnection> churned = new ConcurrentLinkedQueue<>();
		AtomicBoolean publishing = new AtomicBoolean(true);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<?>> churners = new ArrayList<>();
		for (int t = 0; t < 2; t++) {
			int thread = t;
			churners.add(this.threads.submit(() -> {
				go.await();
				TestConnection[] slots = new TestConnection[10];
				for (int cycle = 0; cycle < 5_000 && (publishing.get() || cycle < 10); cycle++) {
					int slot = cycle % 10;
					if (slots[slot] != null) {
						slots[slot].disconnect();
					}
					String source = (slot < 2) ? "stable-" + (2 * thread + slot) : "churn-" + (10 * thread + slot);
					slots[slot] = TestConnection.open(this.server.connect(source, null));
					churned.add(slots[slot]);
				}
				for (TestConnection connection : slots) {
					if (connection != null) {
						connection.disconnect();
					}
				}
				return null;
			}));
		}
		List<Future<List<String>>> published = new ArrayList<>();
		for (int p = 0; p < publishers; p++) {
			int publisher = p;
			published.add(this.threads.submit(() -> {
				go.await();
				List<String> ids = new ArrayList<>(perPublisher);
				for (int i = 0; i < perPublisher; i++) {
					ids.add(this.server.broadcast(SseEvent.of(publisher + ":" + i)));
				}
				return ids;
			}));
		}
		go.countDown();
		List<List<String>> idsByPublisher = new ArrayList<>();
		for (Future<List<String>> future : published) {
			idsByPublisher.add(future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		}
		publishing.set(false);
		for (Future<?> churner : churners) {
			churner.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}

		Set<String> allIds = new HashSet<>();
		idsByPublisher.forEach(allIds::addAll);
		assertThat(allIds).hasSize(total);
		List<String> inIdOrder = allIds.stream().sorted(Comparator.comparingLong(Long::parseLong)).toList();
		Map<String, Integer> positions = new HashMap<>();
		for (int i = 0; i < inIdOrder.size(); i++) {
			positions.put(inIdOrder.get(i), i);
		}
		for (TestConnection connection : stable) {
			List<RecordedFrame> events = connection.awaitEvents(total);
			assertThat(events).hasSize(total);
			List<Long> ids = events.stream().map((event) -> Long.parseLong(event.id())).toList();
			assertThat(ids).isSorted().doesNotHaveDuplicates();
			assertThat(new HashSet<>(connection.eventIds())).isEqualTo(allIds);
			for (int p = 0; p < publishers; p++) {
				String prefix = p + ":";
				List<String> fromPublisher = events.stream()
					.filter((event) -> event.data().startsWith(prefix))
					.map(RecordedFrame::id)
					.toList();
				assertThat(fromPublisher).isEqualTo(idsByPublisher.get(p));
			}
			assertThat(connection.isClosed()).isFalse();
			assertThat(connection.overlappingCalls()).isZero();
			assertThat(connection.callsWithoutReady()).isZero();
		}
		assertThat(churned).hasSizeGreaterThan(20);
		// A disconnect that finds a writer at work leaves the closing to that writer.
		await().atMost(TIMEOUT)
			.until(() -> churned.stream().allMatch(TestConnection::isClosed)
					&& this.server.connectionCount() == stable.size());
		for (TestConnection connection : churned) {
			assertThat(connection.closeCalls()).isEqualTo(1);
			assertThat(connection.overlappingCalls()).isZero();
			assertThat(connection.callsWithoutReady()).isZero();
			assertThat(connection.callsAfterClose()).isZero();
			// From registration until its disconnect, a connection gets a gapless run of
			// events.
			List<String> ids = connection.eventIds();
			if (!ids.isEmpty()) {
				int start = positions.get(ids.get(0));
				assertThat(ids).isEqualTo(inIdOrder.subList(start, start + ids.size()));
			}
		}
		assertThat(this.server.connectionCount()).isEqualTo(stable.size());
		assertThat(this.server.size()).isEqualTo(stable.size());

		for (TestConnection connection : stable) {
			connection.disconnect();
		}
		await().atMost(TIMEOUT).until(() -> this.server.connectionCount() == 0);
		assertThat(stable).allMatch((connection) -> connection.closeCalls() == 1);
		assertThat(this.server.size()).isZero();
		assertThat(this.server.sources()).isEmpty();
	}

	@Test
	void replayDuringConcurrentPublishingHasNoGapAndNoDuplicate() throws Exception {
		int total = 10_000;
		AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(total);
		AtomicInteger publishedCount = new AtomicInteger();
		CountDownLatch firstReconnect = new CountDownLatch(1);
		Future<?> publisher = this.threads.submit(() -> {
			for (int i = 0; i < total; i++) {
				ids.set(i, this.server.broadcast(SseEvent.of("event " + i)));
				publishedCount.incrementAndGet();
				if (i == 1_000) {
					// Leaves most of the events to be published while clients reconnect.
					firstReconnect.await(10, TimeUnit.SECONDS);
				}
			}
			return null;
		});
		record Reconnect(int after, TestConnection connection) {
		}
		List<Reconnect> reconnects = new ArrayList<>();
		await().atMost(TIMEOUT).until(() -> publishedCount.get() > 1_000);
		while (reconnects.size() < 40 && (publishedCount.get() < total || reconnects.size() < 5)) {
			int after = publishedCount.get() - 1 - (reconnects.size() % 3) * 100;
			TestConnection connection = TestConnection
				.open(this.server.connect("client-" + reconnects.size(), ids.get(after)));
			reconnects.add(new Reconnect(after, connection));
			firstReconnect.countDown();
		}
		publisher.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

		for (Reconnect reconnect : reconnects) {
			int expected = total - reconnect.after() - 1;
			List<RecordedFrame> events = reconnect.connection().awaitEvents(expected);
			List<String> expectedIds = new ArrayList<>(expected);
			for (int i = reconnect.after() + 1; i < total; i++) {
				expectedIds.add(ids.get(i));
			}
			assertThat(events).extracting(RecordedFrame::id).isEqualTo(expectedIds);
			assertThat(events).noneMatch((event) -> "missed".equals(event.event()));
		}
	}

	@Test
	void concurrentPublishersToEveryoneSourcesAndTopicsReachEachConnectionOnceInIdOrder() throws Exception {
		record Subscriber(String source, Set<String> topics, TestConnection connection) {
		}
		record Published(long id, Audience<String> audience) {
		}
		List<Subscriber> subscribers = new ArrayList<>();
		List<List<String>> topicSets = List.of(List.of(), List.of("t0"), List.of("t0", "t1"), List.of("t1", "t2"),
				List.of("t0", "t1", "t2"));
		for (int user = 0; user < 5; user++) {
			for (int tab = 0; tab < 2; tab++) {
				List<String> topics = topicSets.get((user + tab) % topicSets.size());
				SseStream<String> stream = this.server.connect("u" + user, null, topics);
				subscribers.add(new Subscriber("u" + user, Set.copyOf(topics), TestConnection.open(stream)));
			}
		}
		int perPublisher = 2_000;
		CountDownLatch go = new CountDownLatch(1);
		List<Future<List<Published>>> publishers = new ArrayList<>();
		for (int p = 0; p < 4; p++) {
			int publisher = p;
			publishers.add(this.threads.submit(() -> {
				go.await();
				List<Published> published = new ArrayList<>(perPublisher);
				for (int i = 0; i < perPublisher; i++) {
					// Publisher 0 broadcasts, 1 sends to users, 2 to topics (one nobody
					// follows), 3 mixes all.
					int kind = (publisher < 3) ? publisher : i % 3;
					Audience<String> audience = switch (kind) {
						case 0 -> Audience.everyone();
						case 1 -> Audience.source("u" + (i % 6));
						default -> Audience.topic("t" + (i % 4));
					};
					SseEvent event = SseEvent.of(publisher + ":" + i);
					String id = switch (kind) {
						case 0 -> this.server.broadcast(event);
						case 1 -> this.server.send(audience.source(), event).orElse(null);
						default -> this.server.sendToTopic(audience.topic(), event);
					};
					if (id != null) {
						published.add(new Published(Long.parseLong(id), audience));
					}
				}
				return published;
			}));
		}
		go.countDown();
		List<Published> all = new ArrayList<>();
		for (Future<List<Published>> publisher : publishers) {
			List<Published> published = publisher.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			// Each publisher's events got increasing ids.
			assertThat(published).extracting(Published::id).isSorted();
			all.addAll(published);
		}
		all.sort(Comparator.comparingLong(Published::id));
		assertThat(all).extracting(Published::id).doesNotHaveDuplicates();
		for (Subscriber subscriber : subscribers) {
			List<String> expected = all.stream()
				.filter((published) -> published.audience().includes(subscriber.source(), subscriber.topics()))
				.map((published) -> Long.toString(published.id()))
				.toList();
			TestConnection connection = subscriber.connection();
			await().atMost(TIMEOUT)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> publishedEvents(connection).size() >= expected.size());
			assertThat(publishedEvents(connection)).as("%s %s", subscriber.source(), subscriber.topics())
				.isEqualTo(expected);
			assertThat(connection.overlappingCalls()).isZero();
		}
	}

	/** The ids of the events a connection received, without presence events. */
	private static List<String> publishedEvents(TestConnection connection) {
		return connection.events().stream().filter((event) -> event.event() == null).map(RecordedFrame::id).toList();
	}

	@Test
	void publishingCompletesWhileAReplayIsBeingBuilt() throws Exception {
		this.server.close();
		CountDownLatch replayEntered = new CountDownLatch(1);
		CountDownLatch releaseReplay = new CountDownLatch(1);
		this.server = SseServer.<String>builder()
			.keepAlive(Duration.ZERO)
			.writerThreads(4)
			.bufferCapacity(30_000)
			.history(new SlowHistory(new InMemoryEventHistory<>(30_000, null), () -> {
				replayEntered.countDown();
				releaseReplay.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}))
			.build();
		this.server.start();
		List<String> before = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			before.add(this.server.broadcast(SseEvent.of("before " + i)));
		}
		String lastEventId = before.get(0);
		Future<TestConnection> reconnecting = this.threads
			.submit(() -> TestConnection.open(this.server.connect("late", lastEventId)));
		assertThat(replayEntered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// The replay is stuck; publishing from several threads must not be.
		List<Future<List<String>>> publishers = new ArrayList<>();
		for (int p = 0; p < 3; p++) {
			int publisher = p;
			publishers.add(this.threads.submit(() -> {
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 500; i++) {
					ids.add(this.server.broadcast(SseEvent.of("during " + publisher + ":" + i)));
				}
				return ids;
			}));
		}
		List<String> during = new ArrayList<>();
		for (Future<List<String>> publisher : publishers) {
			during.addAll(publisher.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		}
		assertThat(reconnecting).isNotDone();
		releaseReplay.countDown();
		TestConnection late = reconnecting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		String after = this.server.broadcast(SseEvent.of("after"));
		List<String> expected = new ArrayList<>(before.subList(1, before.size()));
		during.stream().sorted(Comparator.comparingLong(Long::parseLong)).forEach(expected::add);
		expected.add(after);
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> late.writes().size() >= expected.size() + 2);
		assertThat(late.eventIds()).isEqualTo(expected);
	}

	@Test
	void longReplaysWhileSeveralThreadsPublishHaveNoGapAndNoDuplicate() throws Exception {
		this.server.close();
		AtomicLong appended = new AtomicLong();
		AtomicInteger replaysThatSawPublishing = new AtomicInteger();
		// Each replay waits until others published meanwhile: under a lock that
		// publishing needs, it never would.
		this.server = SseServer.<String>builder()
			.keepAlive(Duration.ZERO)
			.writerThreads(4)
			.bufferCapacity(100_000)
			.history(new SlowHistory(new InMemoryEventHistory<>(100_000, null), appended, () -> {
				long entered = appended.get();
				await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(1)).until(() -> appended.get() >= entered + 20);
				replaysThatSawPublishing.incrementAndGet();
			}))
			.build();
		this.server.start();
		List<String> history = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			history.add(this.server.broadcast(SseEvent.of("history " + i)));
		}
		int clients = 20;
		AtomicBoolean publishing = new AtomicBoolean(true);
		List<Future<List<String>>> publishers = new ArrayList<>();
		for (int p = 0; p < 3; p++) {
			int publisher = p;
			publishers.add(this.threads.submit(() -> {
				List<String> ids = new ArrayList<>();
				// Until every replay saw others publish, so that history keeps every
				// client's id.
				while (publishing.get() && replaysThatSawPublishing.get() < clients) {
					ids.add(this.server.broadcast(SseEvent.of("live " + publisher + ":" + ids.size())));
				}
				return ids;
			}));
		}
		record Reconnect(String lastEventId, TestConnection connection) {
		}
		List<Future<Reconnect>> reconnects = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			// From 2,000 to 20,000 events back.
			String lastEventId = history.get((c * 18_000) / clients);
			String source = "client-" + c;
			reconnects.add(this.threads.submit(
					() -> new Reconnect(lastEventId, TestConnection.open(this.server.connect(source, lastEventId)))));
		}
		List<Reconnect> connected = new ArrayList<>();
		try {
			for (Future<Reconnect> reconnect : reconnects) {
				connected.add(reconnect.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
			}
		}
		finally {
			publishing.set(false);
		}
		List<Long> all = new ArrayList<>();
		history.forEach((id) -> all.add(Long.parseLong(id)));
		for (Future<List<String>> publisher : publishers) {
			publisher.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).forEach((id) -> all.add(Long.parseLong(id)));
		}
		all.sort(null);
		assertThat(replaysThatSawPublishing).hasValue(clients);
		assertThat(all).hasSizeGreaterThan(history.size());
		for (Reconnect reconnect : connected) {
			long after = Long.parseLong(reconnect.lastEventId());
			List<String> expected = all.stream().filter((id) -> id > after).map(String::valueOf).toList();
			TestConnection connection = reconnect.connection();
			// retry and priming frames besides the events
			await().atMost(TIMEOUT)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> connection.writes().size() >= expected.size() + 2);
			assertThat(connection.eventIds()).isEqualTo(expected);
		}
	}

	@Test
	void tabsOfManySourcesJoiningAndLeavingAtOnceProduceOneJoinAndOneLeavePerSource() throws Exception {
		this.server.close();
		this.server = SseServer.<String>builder()
			.keepAlive(Duration.ZERO)
			.writerThreads(4)
			.presenceGrace(Duration.ofMillis(200))
			.build();
		this.server.start();
		TestConnection watcher = TestConnection.open(this.server.connect("watcher", null, List.of("room")));
		int sources = 10;
		int tabsPerSource = 4;
		CountDownLatch go = new CountDownLatch(1);
		List<Future<List<TestConnection>>> openers = new ArrayList<>();
		for (int t = 0; t < tabsPerSource; t++) {
			openers.add(this.threads.submit(() -> {
				go.await();
				List<TestConnection> tabs = new ArrayList<>();
				for (int source = 0; source < sources; source++) {
					tabs.add(TestConnection.open(this.server.connect("s" + source, null, List.of("room"))));
				}
				return tabs;
			}));
		}
		go.countDown();
		List<TestConnection> tabs = new ArrayList<>();
		for (Future<List<TestConnection>> opener : openers) {
			tabs.addAll(opener.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		}
		assertThat(this.server.presence("room")).hasSize(sources + 1);
		List<Future<?>> closers = new ArrayList<>();
		for (int t = 0; t < tabsPerSource; t++) {
			List<TestConnection> share = tabs.subList(t * sources, (t + 1) * sources);
			closers.add(this.threads.submit(() -> share.forEach(TestConnection::disconnect)));
		}
		for (Future<?> closer : closers) {
			closer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		await().atMost(TIMEOUT).until(() -> this.server.presence("room").equals(Set.of("watcher")));
		await().atMost(TIMEOUT)
			.until(() -> watcher.eventData().stream().filter((data) -> data.contains("leave")).count() == sources);
		String marker = this.server.broadcast(SseEvent.of("marker"));
		await().atMost(TIMEOUT).until(() -> watcher.eventIds().contains(marker));
		List<String> presence = watcher.events()
			.stream()
			.filter((event) -> "presence".equals(event.event()))
			.map(RecordedFrame::data)
			.toList();
		for (int source = 0; source < sources; source++) {
			String user = "\"user\":\"s" + source + "\"";
			assertThat(presence.stream().filter((data) -> data.contains(user))).containsExactly(
					"{\"topic\":\"room\"," + user + ",\"state\":\"join\"}",
					"{\"topic\":\"room\"," + user + ",\"state\":\"leave\"}");
		}
		assertThat(presence).hasSize(2 * sources + 1);
	}

	/** A history whose replays run an action first, and that counts appends. */
	private static final class SlowHistory implements EventHistory<String> {

		private final EventHistory<String> delegate;

		private final AtomicLong appended;

		private final Action beforeReplay;

		SlowHistory(EventHistory<String> delegate, Action beforeReplay) {
			this(delegate, new AtomicLong(), beforeReplay);
		}

		SlowHistory(EventHistory<String> delegate, AtomicLong appended, Action beforeReplay) {
			this.delegate = delegate;
			this.appended = appended;
			this.beforeReplay = beforeReplay;
		}

		@Override
		public void append(String id, Audience<String> audience, byte[] frame) {
			this.delegate.append(id, audience, frame);
			this.appended.incrementAndGet();
		}

		@Override
		public Replay replay(String lastEventId, String upToId, String source, Set<String> topics) {
			try {
				this.beforeReplay.run();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			return this.delegate.replay(lastEventId, upToId, source, topics);
		}

		@Override
		public String newestId() {
			return this.delegate.newestId();
		}

		interface Action {

			void run() throws Exception;

		}

	}

}
