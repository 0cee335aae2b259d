package dev.eventstream.sse.webmvc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Eight threads publish while a thousand clients are connected and most of them keep
 * disconnecting and reconnecting with their {@code Last-Event-ID}: every client that
 * stays connected receives every event once and in order, and so does every churning one
 * over its successive connections.
 *
 * <p>
 * The application context is closed after the class: no other test shares its settings,
 * and Tomcat keeps what a thousand connections left in its caches.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.keep-alive=500ms", "sse.buffer-capacity=1024", "server.tomcat.accept-count=1000" })
class PublishingUnderChurnIntegrationTests {

	private static final int PUBLISHERS = 8;

	private static final int EVENTS_PER_PUBLISHER = 50;

	private static final int STABLE_CLIENTS = 250;

	private static final int CHURNING_CLIENTS = 750;

	private static final int CHURN_THREADS = 4;

	private static final int RECONNECTIONS = 3000;

	@Autowired
	private SseServer<String> server;

	@RegisterExtension
	final LoopbackClient client = new LoopbackClient();

	@Test
	void everyClientReceivesEveryEventOnceAndInOrderWhileOthersChurn() throws Exception {
		long overflowsBefore = this.server.closedConnections(CloseReason.OVERFLOW);
		List<LoopbackClient.Stream> stable = openStarted("stable", STABLE_CLIENTS);
		List<LoopbackClient.Stream> firsts = openStarted("churner", CHURNING_CLIENTS);
		List<Churner> churners = IntStream.range(0, CHURNING_CLIENTS)
			.mapToObj((i) -> new Churner("churner" + i, firsts.get(i)))
			.toList();
		// Publishing is spread over the churn: every so many reconnections let each
		// publisher publish one more event.
		Semaphore permits = new Semaphore(0);
		AtomicInteger reconnections = new AtomicInteger();
		Map<String, String> published = new ConcurrentHashMap<>();
		ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS + CHURN_THREADS);
		List<Future<?>> tasks = new ArrayList<>();
		for (int p = 0; p < PUBLISHERS; p++) {
			int publisher = p;
			tasks.add(pool.submit(() -> {
				for (int i = 0; i < EVENTS_PER_PUBLISHER; i++) {
					assertThat(permits.tryAcquire(LoopbackClient.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
					String data = publisher + ":" + i;
					published.put(this.server.broadcast(SseEvent.of(data)), data);
				}
				return null;
			}));
		}
		int reconnectionsPerRound = RECONNECTIONS / EVENTS_PER_PUBLISHER;
		for (int t = 0; t < CHURN_THREADS; t++) {
			int thread = t;
			List<Churner> own = IntStream.range(0, churners.size())
				.filter((i) -> i % CHURN_THREADS == thread)
				.mapToObj(churners::get)
				.toList();
			tasks.add(pool.submit(() -> {
				for (int i = 0; reconnections.get() < RECONNECTIONS; i++) {
					own.get(i % own.size()).reconnect();
					if (reconnections.incrementAndGet() % reconnectionsPerRound == 0) {
						permits.release(PUBLISHERS);
					}
				}
				return null;
			}));
		}
		for (Future<?> task : tasks) {
			task.get(LoopbackClient.WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		pool.shutdown();
		List<String> ids = published.keySet().stream().sorted(Comparator.comparingLong(Long::parseLong)).toList();
		assertThat(ids).hasSize(PUBLISHERS * EVENTS_PER_PUBLISHER);
		await().atMost(LoopbackClient.WAIT)
			.untilAsserted(() -> assertThat(missingEvents(stable, churners, ids.size())).as("clients missing events")
				.isEmpty());
		for (LoopbackClient.Stream stream : stable) {
			assertThat(stream.ended()).isFalse();
			assertThat(stream.ids()).containsExactlyElementsOf(ids);
			assertThat(stream.events()).allMatch((event) -> event.data().equals(published.get(event.id())));
		}
		for (Churner churner : churners) {
			assertThat(churner.received()).containsExactlyElementsOf(ids);
		}
		assertThat(reconnections.get()).isGreaterThanOrEqualTo(RECONNECTIONS);
		assertThat(this.server.closedConnections(CloseReason.OVERFLOW)).isEqualTo(overflowsBefore);
	}

	/** Names the clients that received fewer events than published, with their counts. */
	private static List<String> missingEvents(List<LoopbackClient.Stream> stable, List<Churner> churners,
			int published) {
		List<String> missing = new ArrayList<>();
		for (int i = 0; i < stable.size(); i++) {
			int count = stable.get(i).eventCount();
			if (count < published) {
				missing.add("stable" + i + ": " + count);
			}
		}
		for (Churner churner : churners) {
			int count = churner.received().size();
			if (count < published) {
				missing.add(churner.user + ": " + count);
			}
		}
		return missing;
	}

	/**
	 * Opens streams in batches that Tomcat's accept queue holds, and waits until each
	 * started.
	 */
	private List<LoopbackClient.Stream> openStarted(String prefix, int count) {
		List<LoopbackClient.Stream> streams = new ArrayList<>();
		for (int from = 0; from < count; from += 100) {
			List<LoopbackClient.Stream> batch = IntStream.range(from, Math.min(count, from + 100))
				.mapToObj((i) -> this.client.open("/rest/events?user=" + prefix + i))
				.toList();
			batch.forEach((stream) -> assertThat(stream.awaitStarted()).isEqualTo(200));
			streams.addAll(batch);
		}
		return streams;
	}

	/**
	 * A client that disconnects and reconnects with its {@code Last-Event-ID}, like a
	 * browser: the events of all its connections, in order.
	 */
	private final class Churner {

		private final String user;

		private final List<String> earlier = new ArrayList<>();

		private LoopbackClient.Stream current;

		Churner(String user, LoopbackClient.Stream first) {
			this.user = user;
			this.current = first;
		}

		synchronized void reconnect() {
			LoopbackClient.Stream previous = this.current;
			previous.close();
			this.earlier.addAll(previous.ids());
			LoopbackClient.Stream next = PublishingUnderChurnIntegrationTests.this.client
				.open("/rest/events?user=" + this.user, "Last-Event-ID", previous.lastEventId());
			assertThat(next.awaitStarted()).isEqualTo(200);
			this.current = next;
		}

		synchronized List<String> received() {
			List<String> all = new ArrayList<>(this.earlier);
			all.addAll(this.current.ids());
			return all;
		}

	}

}
