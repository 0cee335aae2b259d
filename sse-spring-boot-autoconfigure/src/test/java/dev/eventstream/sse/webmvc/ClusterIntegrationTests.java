package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.health.SseHealthIndicator;
import dev.eventstream.sse.redis.RedisServer;
import dev.eventstream.sse.redis.RedisSseCluster;
import dev.eventstream.sse.server.ClusterUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Two applications on random ports sharing one real {@code redis-server} with
 * {@code sse.cluster.type=redis}: events published on either reach the clients of both,
 * clients resume on the other one, and delivery survives a Redis restart.
 */
class ClusterIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static RedisServer redis;

	private static RunningApplication a;

	private static RunningApplication b;

	private final List<EventStreamRecorder> recorders = new ArrayList<>();

	@BeforeAll
	static void startCluster() throws IOException {
		redis = RedisServer.start();
		a = start(redis, "sse:cluster-test");
		b = start(redis, "sse:cluster-test");
	}

	@AfterAll
	static void stopCluster() {
		b.close();
		a.close();
		redis.close();
	}

	@AfterEach
	void closeRecorders() {
		this.recorders.forEach(EventStreamRecorder::close);
		await().atMost(WAIT).until(() -> a.server().connectionCount() == 0 && b.server().connectionCount() == 0);
	}

	@Test
	void eventPublishedOnOneServerReachesTheClientsOfBothExactlyOnceInOrder() {
		EventStreamRecorder onA = connect(a, "alice");
		EventStreamRecorder onB = connect(b, "bob");
		EventStreamRecorder secondTabOnB = connect(b, "alice");
		awaitConnections(a, 1);
		awaitConnections(b, 2);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			RunningApplication publisher = (i % 3 == 0) ? b : a;
			ids.add(publisher.server().broadcast(SseEvent.of("tick", "n" + i)));
		}
		for (EventStreamRecorder recorder : List.of(onA, onB, secondTabOnB)) {
			awaitEvents(recorder, 20);
			assertThat(recorder.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
			assertThat(recorder.events()).extracting(SseEvent::event).containsOnly("tick");
		}
		assertThat(onA.raw()).contains("event: tick\nid: " + ids.get(1) + "\ndata: n1\n\n");
	}

	@Test
	void clientResumesOnTheOtherServerWithExactlyTheEventsItMissed() {
		EventStreamRecorder first = connect(a, "carol");
		awaitConnections(a, 1);
		String seen = a.server().broadcast(SseEvent.of("seen"));
		awaitEvents(first, 1);
		first.close();
		awaitConnections(a, 0);
		RedisSseCluster<?> clusterOfA = a.context().getBean(RedisSseCluster.class);
		await().atMost(WAIT).until(() -> !isConnected(clusterOfA, "carol"));
		String missed1 = b.server().broadcast(SseEvent.of("missed 1"));
		String missed2 = b.server().broadcast(SseEvent.of("other", "x"));

		assertThat(a.server().send("carol", SseEvent.of("lost"))).as("carol is connected nowhere").isEmpty();
		EventStreamRecorder resumed = connect(b, "carol", "Last-Event-ID", seen);
		awaitConnections(b, 1);
		String live = a.server().broadcast(SseEvent.of("live"));

		awaitEvents(resumed, 3);
		assertThat(resumed.events()).extracting(SseEvent::id).containsExactly(missed1, missed2, live);
		assertThat(resumed.data()).containsExactly("missed 1", "x", "live");
	}

	@Test
	void targetedSendReachesTheSourceOnTheOtherServerOnly() {
		EventStreamRecorder dave = connect(b, "dave");
		EventStreamRecorder erin = connect(a, "erin");
		awaitConnections(b, 1);
		awaitConnections(a, 1);
		RedisSseCluster<?> clusterOfA = a.context().getBean(RedisSseCluster.class);
		await().atMost(WAIT).until(() -> isConnected(clusterOfA, "dave"));

		Optional<String> id = a.server().send("dave", SseEvent.of("private", "for dave"));

		assertThat(id).isPresent();
		awaitEvents(dave, 1);
		assertThat(dave.events()).extracting(SseEvent::id).containsExactly(id.get());
		assertThat(a.server().send("nobody", SseEvent.of("lost"))).isEmpty();
		String broadcast = b.server().broadcast(SseEvent.of("all"));
		awaitEvents(erin, 1);
		assertThat(erin.events()).extracting(SseEvent::id).containsExactly(broadcast);
	}

	@Test
	void survivesARedisRestartWithoutLosingOrDuplicatingLaterEvents() throws IOException {
		try (RedisServer own = RedisServer.start();
				RunningApplication c = start(own, "sse:restart-test");
				RunningApplication d = start(own, "sse:restart-test")) {
			EventStreamRecorder onC = connect(c, "frank");
			EventStreamRecorder onD = connect(d, "grace");
			awaitConnections(c, 1);
			awaitConnections(d, 1);
			List<String> ids = new ArrayList<>();
			ids.add(c.server().broadcast(SseEvent.of("before")));
			awaitEvents(onC, 1);
			awaitEvents(onD, 1);

			own.stop();
			await().atMost(WAIT).until(() -> health(c) == Status.DOWN && health(d) == Status.DOWN);
			assertThatExceptionOfType(ClusterUnavailableException.class)
				.isThrownBy(() -> d.server().broadcast(SseEvent.of("refused")));
			assertThat(onC.ended()).isFalse();
			assertThat(onD.ended()).isFalse();
			assertThat(c.server().connectionCount()).isEqualTo(1);

			own.restart();
			await().atMost(WAIT).until(() -> health(c) == Status.UP && health(d) == Status.UP);
			for (int i = 0; i < 5; i++) {
				ids.add(((i % 2 == 0) ? d : c).server().broadcast(SseEvent.of("after " + i)));
			}
			awaitEvents(onC, 6);
			awaitEvents(onD, 6);
			assertThat(onC.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
			assertThat(onD.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
		}
	}

	@Test
	void targetedSendReachesTheOtherServerRightAfterRedisComesBackEmpty() throws IOException {
		try (RedisServer own = RedisServer.start();
				RunningApplication c = start(own, "sse:presence-test");
				RunningApplication d = start(own, "sse:presence-test")) {
			EventStreamRecorder heidi = connect(d, "heidi");
			awaitConnections(d, 1);
			RedisSseCluster<?> clusterOfC = c.context().getBean(RedisSseCluster.class);
			await().atMost(WAIT).until(() -> isConnected(clusterOfC, "heidi"));

			own.restart();
			await().atMost(WAIT).until(() -> health(c) == Status.UP && health(d) == Status.UP);
			// Claims are renewed every 10 s; a Redis that lost them must learn them again
			// at once.
			Optional<String> id = await().atMost(Duration.ofSeconds(3))
				.ignoreExceptions()
				.until(() -> c.server().send("heidi", SseEvent.of("private", "for heidi")), Optional::isPresent);

			awaitEvents(heidi, 1);
			assertThat(heidi.events()).extracting(SseEvent::id).containsExactly(id.get());
		}
	}

	private static RunningApplication start(RedisServer server, String key) {
		return RunningApplication.start("sse.cluster.type=redis", "sse.cluster.redis.key=" + key,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + server.port());
	}

	private static boolean isConnected(RedisSseCluster<?> cluster, String user) {
		@SuppressWarnings("unchecked")
		RedisSseCluster<String> typed = (RedisSseCluster<String>) cluster;
		return typed.isConnected(user);
	}

	private static Status health(RunningApplication app) {
		return app.context().getBean(SseHealthIndicator.class).health(false).getStatus();
	}

	private EventStreamRecorder connect(RunningApplication app, String user, String... headers) {
		URI uri = URI.create("http://127.0.0.1:" + app.port() + "/rest/events?user="
				+ URLEncoder.encode(user, StandardCharsets.UTF_8));
		EventStreamRecorder recorder = EventStreamRecorder.open(uri, headers);
		this.recorders.add(recorder);
		assertThat(recorder.response().statusCode()).isEqualTo(200);
		return recorder;
	}

	private static void awaitConnections(RunningApplication app, int count) {
		await().atMost(WAIT).until(() -> app.server().connectionCount() == count);
	}

	private static void awaitEvents(EventStreamRecorder recorder, int count) {
		await().atMost(WAIT).until(() -> recorder.eventCount() >= count);
	}

}
