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
				List<String> fromPublisher = events.stream().filter((event) -> event.data().startsWith(prefix))
					.map(RecordedFrame::id).toList();
				assertThat(fromPublisher).isEqualTo(idsByPublisher.get(p));
			}
			assertThat(connection.isClosed()).isFalse();
			assertThat(connection.overlappingCalls()).isZero();
			assertThat(connection.callsWithoutReady()).isZero();
		}
		assertThat(churned).hasSizeGreaterThan(20);
		// A disconnect that finds a writer at work leaves the closing to that writer.
		await().atMost(TIMEOUT).until(() -> churned.stream().allMatch(TestConnection::isClosed)
				&& this.server.connectionCount() == stable.size());
		for (TestConnection connection : churned) {
			assertThat(connection.closeCalls()).isEqualTo(1);
			assertThat(connection.overlappingCalls()).isZero();
			assertThat(connection.callsWithoutReady()).isZero();
			assertThat(connection.callsAfterClose()).isZero();
			// From registration until its disconnect, a connection gets a gapless run of events.
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
			TestConnection connection = TestConnection.open(this.server.connect("client-" + reconnects.size(), ids.get(after)));
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

}
