package dev.eventstream.sse.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.ClusterUnavailableException;
import dev.eventstream.sse.server.Audience;
import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.SseCluster;
import dev.eventstream.sse.server.UnnumberedFrame;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisSseCluster} against a real {@code redis-server}: two clusters on one stream
 * stand for two servers.
 */
class RedisSseClusterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	// For the tests of an outage, which check that the cluster recovers quickly.
	private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);

	private static RedisServer redis;

	private static int keys;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final String key = "test:events:" + (++keys);

	@BeforeAll
	static void startRedis() throws IOException {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void everyServerReceivesEveryEventInLogOrderWithTheFrameOfItsId() {
		Received a = new Received();
		Received b = new Received();
		RedisSseCluster<Object> first = cluster(10);
		RedisSseCluster<Object> second = cluster(10);
		first.start(a);
		second.start(b);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			RedisSseCluster<Object> publisher = (i % 2 == 0) ? first : second;
			ids.add(publisher.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("tick", "n=" + i))));
		}
		await().atMost(TIMEOUT).until(() -> a.ids().size() == 5 && b.ids().size() == 5);
		assertThat(a.ids()).containsExactlyElementsOf(ids);
		assertThat(b.ids()).containsExactlyElementsOf(ids);
		for (int i = 0; i < 5; i++) {
			byte[] expected = SseEncoder.encode(new SseEvent(ids.get(i), "tick", "n=" + i, null, null));
			assertThat(a.events.get(i).frame()).isEqualTo(expected);
			assertThat(a.events.get(i).target()).isNull();
		}
		assertThat(ids).isSortedAccordingTo(first::compareIds);
	}

	@Test
	void targetsTravelThroughTheCodec() {
		Received received = new Received();
		RedisSseCluster<Object> cluster = cluster(10);
		cluster.start(received);
		cluster.append(Audience.source("alice"), UnnumberedFrame.of(SseEvent.of("hi")));
		cluster.append(Audience.source(42L), UnnumberedFrame.of(SseEvent.of("hi")));
		await().atMost(TIMEOUT).until(() -> received.ids().size() == 2);
		assertThat(received.events).extracting(Event::target).containsExactly("alice", 42L);
	}

	@Test
	void startsAfterTheNewestEntry() {
		RedisSseCluster<Object> publisher = cluster(10);
		String before = publisher.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("old")));
		Received received = new Received();
		assertThat(cluster(10).start(received)).isEqualTo(before);
		String after = publisher.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("new")));
		await().atMost(TIMEOUT).until(() -> received.ids().equals(List.of(after)));
	}

	@Test
	void startsAtTheOriginOnAnEmptyStream() {
		assertThat(cluster(10).start(new Received())).isEqualTo(EventHistory.ORIGIN);
	}

	@Test
	void replaysWhatTheSourceReceivedAfterItsIdUpToTheGivenOne() {
		RedisSseCluster<Object> cluster = cluster(100);
		String first = cluster.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("1")));
		String second = cluster.append(Audience.source("bob"), UnnumberedFrame.of(SseEvent.of("2")));
		String third = cluster.append(Audience.source("alice"), UnnumberedFrame.of(SseEvent.of("3")));
		String fourth = cluster.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("4")));
		cluster.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("5")));

		EventHistory.Replay replay = cluster.replay(first, fourth, "alice", Set.of());

		assertThat(replay.complete()).isTrue();
		assertThat(replay.frames()).containsExactly(frame(third, "3"), frame(fourth, "4"));
		assertThat(cluster.replay(fourth, fourth, "alice", Set.of()).frames()).isEmpty();
		assertThat(cluster.replay(first, second, "alice", Set.of()).frames()).isEmpty();
	}

	@Test
	void replaysEverythingHeldWithTheOldestIdForAnUnknownId() {
		RedisSseCluster<Object> cluster = cluster(100);
		String first = cluster.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("1")));
		String second = cluster.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("2")));

		for (String unknown : List.of("0-1", "not-an-id", "", "99999999999999-0")) {
			EventHistory.Replay replay = cluster.replay(unknown, second, "alice", Set.of());
			assertThat(replay.complete()).as(unknown).isFalse();
			assertThat(replay.frames()).containsExactly(frame(first, "1"), frame(second, "2"));
			assertThat(replay.oldestId()).isEqualTo(first);
		}
	}

	@Test
	void originIsCompleteUntilTheStreamIsTrimmed() {
		RedisSseCluster<Object> cluster = cluster(5);
		String newest = null;
		for (int i = 0; i < 3; i++) {
			newest = cluster.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("e" + i)));
		}
		assertThat(cluster.replay(EventHistory.ORIGIN, newest, "alice", Set.of()).complete()).isTrue();
		assertThat(cluster.replay(EventHistory.ORIGIN, newest, "alice", Set.of()).frames()).hasSize(3);
		String oldest = cluster.replay("unknown", newest, "alice", Set.of()).oldestId();
		for (int i = 0; i < 500; i++) {
			newest = cluster.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("e" + i)));
		}
		EventHistory.Replay replay = cluster.replay(EventHistory.ORIGIN, newest, "alice", Set.of());
		assertThat(replay.complete()).isFalse();
		assertThat(cluster.replay(oldest, newest, "alice", Set.of()).complete()).as("trimmed away").isFalse();
		// MAXLEN ~ trims whole nodes: about the size asked, never the 503 appended.
		assertThat(replay.frames().size()).isBetween(5, 200);
	}

	@Test
	void knowsWhereSourcesAreConnected() {
		RedisSseCluster<Object> first = cluster(10);
		RedisSseCluster<Object> second = cluster(10);
		first.connected("alice");
		first.connected(7L);
		await().atMost(TIMEOUT).until(() -> second.isConnected("alice") && second.isConnected(7L));
		assertThat(second.isConnected("bob")).isFalse();
		assertThat(second.isConnected(8L)).isFalse();
		first.disconnected("alice");
		await().atMost(TIMEOUT).until(() -> !second.isConnected("alice"));
		assertThat(second.isConnected(7L)).isTrue();
		first.close();
		await().atMost(TIMEOUT).until(() -> !second.isConnected(7L));
	}

	@Test
	void topicPresenceCountsEveryServerAndALeavingSourceIsAMemberElsewhereUntilItLeft() {
		RedisSseCluster<Object> first = cluster(10);
		RedisSseCluster<Object> second = cluster(10);
		first.subscribed("ann", "room");
		second.subscribed("bob", "room");
		await().atMost(TIMEOUT).until(() -> first.presence("room").equals(Set.of("ann", "bob")));
		assertThat(second.presence("room")).containsExactlyInAnyOrder("ann", "bob");
		assertThat(second.isMemberElsewhere("ann", "room")).isTrue();
		assertThat(first.isMemberElsewhere("ann", "room")).as("its own claims do not count").isFalse();
		assertThat(second.isMemberElsewhere("ann", "other")).isFalse();

		first.unsubscribed("ann", "room");
		first.leaving("ann", "room");
		await().atMost(TIMEOUT).until(() -> second.presence("room").equals(Set.of("bob")));
		assertThat(second.isMemberElsewhere("ann", "room")).as("within its grace").isTrue();
		assertThat(first.left("ann", "room")).isFalse();
		assertThat(second.isMemberElsewhere("ann", "room")).isFalse();
	}

	@Test
	void ofTwoServersWhoseGracesEndTogetherTheLaterFindsNobody() {
		RedisSseCluster<Object> first = cluster(10);
		RedisSseCluster<Object> second = cluster(10);
		first.leaving("ann", "room");
		second.leaving("ann", "room");
		await().atMost(TIMEOUT)
			.until(() -> first.isMemberElsewhere("ann", "room") && second.isMemberElsewhere("ann", "room"));
		assertThat(first.left("ann", "room")).isTrue();
		assertThat(second.left("ann", "room")).isFalse();
	}

	@Test
	void failsFastWhileRedisIsDownAndResumesAfterTheLastDeliveredEntry() throws IOException {
		try (RedisServer own = RedisServer.start()) {
			LettuceConnectionFactory factory = own.connectionFactory(SHORT_TIMEOUT);
			this.closeables.add(factory::destroy);
			Received a = new Received();
			Received b = new Received();
			RedisSseCluster<Object> first = cluster(factory, 100, SHORT_TIMEOUT);
			RedisSseCluster<Object> second = cluster(factory, 100, SHORT_TIMEOUT);
			first.start(a);
			second.start(b);
			String before = first.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("before")));
			await().atMost(TIMEOUT).until(() -> a.ids().size() == 1 && b.ids().size() == 1);

			own.stop();
			await().atMost(TIMEOUT).until(() -> !first.isAvailable() && !second.isAvailable());
			long start = System.nanoTime();
			assertThatExceptionOfType(ClusterUnavailableException.class)
				.isThrownBy(() -> first.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("lost"))))
				.withMessageContaining("was not published");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			assertThatExceptionOfType(ClusterUnavailableException.class).isThrownBy(() -> second.isConnected("alice"));

			own.restart();
			await().atMost(TIMEOUT).until(() -> first.isAvailable() && second.isAvailable());
			List<String> after = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				after.add(second.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("after" + i))));
			}
			await().atMost(TIMEOUT).until(() -> a.ids().size() == 4 && b.ids().size() == 4);
			List<String> expected = new ArrayList<>(List.of(before));
			expected.addAll(after);
			assertThat(a.ids()).containsExactlyElementsOf(expected);
			assertThat(b.ids()).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void failsWithinTheTimeoutWhileRedisIsFrozenAndRecoversWhenItResumes() throws IOException {
		Duration timeout = Duration.ofMillis(500);
		try (RedisServer own = RedisServer.start()) {
			LettuceConnectionFactory factory = own.connectionFactory(timeout);
			this.closeables.add(factory::destroy);
			Received a = new Received();
			Received b = new Received();
			RedisSseCluster<Object> first = cluster(factory, 100, timeout);
			RedisSseCluster<Object> second = cluster(factory, 100, timeout);
			first.start(a);
			second.start(b);
			String before = first.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("before")));
			await().atMost(TIMEOUT).until(() -> a.ids().size() == 1 && b.ids().size() == 1);

			own.freeze();
			try {
				long start = System.nanoTime();
				assertThatExceptionOfType(ClusterUnavailableException.class)
					.isThrownBy(() -> first.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("timed out"))))
					.withMessageContaining("may or may not be published");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusSeconds(2));
				assertThat(first.isAvailable()).isFalse();
				start = System.nanoTime();
				assertThatExceptionOfType(ClusterUnavailableException.class)
					.isThrownBy(() -> first.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("refused"))))
					.withMessageContaining("was not published");
				assertThatExceptionOfType(ClusterUnavailableException.class)
					.isThrownBy(() -> first.isConnected("alice"));
				assertThatExceptionOfType(ClusterUnavailableException.class)
					.isThrownBy(() -> first.replay(EventHistory.ORIGIN, before, "alice", Set.of()));
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("at once, without calling Redis")
					.isLessThan(timeout.dividedBy(2));
				// The other server finds out through its own calls: its reader's read
				// times out.
				await().atMost(timeout.plusSeconds(2)).until(() -> !second.isAvailable());
				start = System.nanoTime();
				assertThatExceptionOfType(ClusterUnavailableException.class)
					.isThrownBy(() -> second.isConnected("alice"));
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusSeconds(2));
			}
			finally {
				own.resume();
			}

			await().atMost(TIMEOUT).until(() -> first.isAvailable() && second.isAvailable());
			List<String> after = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				after.add(second.append(Audience.everyone(), UnnumberedFrame.of(SseEvent.of("after" + i))));
			}
			await().atMost(TIMEOUT).until(() -> a.ids().containsAll(after) && b.ids().containsAll(after));
			// The append that timed out reached Redis before it froze: it may be in the
			// log.
			assertThat(a.ids()).hasSizeBetween(4, 5).startsWith(before).endsWith(after.toArray(String[]::new));
			assertThat(b.ids()).isEqualTo(a.ids());
			assertThat(first.replay(before, after.get(2), "alice", Set.of()).frames()).hasSize(a.ids().size() - 1);
		}
	}

	@Test
	void writesPresenceAgainAtOnceWhenRedisComesBackEmpty() throws IOException {
		try (RedisServer own = RedisServer.start()) {
			LettuceConnectionFactory factory = own.connectionFactory(SHORT_TIMEOUT);
			this.closeables.add(factory::destroy);
			RedisSseCluster<Object> first = cluster(factory, 100, SHORT_TIMEOUT);
			RedisSseCluster<Object> second = cluster(factory, 100, SHORT_TIMEOUT);
			first.start(new Received());
			second.start(new Received());
			first.connected("alice");
			await().atMost(TIMEOUT).until(() -> second.isConnected("alice"));

			own.restart();
			await().atMost(TIMEOUT).until(() -> first.isAvailable() && second.isAvailable());
			long back = System.nanoTime();
			// Renewal every 10 s would leave alice unknown for up to 10 s.
			await().atMost(Duration.ofSeconds(3)).ignoreExceptions().until(() -> second.isConnected("alice"));
			assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(3));
		}
	}

	@Test
	void rejectsBadArguments() {
		LettuceConnectionFactory factory = factory();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RedisSseCluster<>(factory, SourceIdCodec.standard(), "", 10))
			.withMessage("'key' must not be empty");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RedisSseCluster<>(factory, SourceIdCodec.standard(), "k", 0))
			.withMessage("'maxLength' must be at least 1");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RedisSseCluster<>(factory, SourceIdCodec.standard(), "k", 10, Duration.ZERO))
			.withMessage("'timeout' must be positive");
	}

	private RedisSseCluster<Object> cluster(int maxLength) {
		return cluster(factory(), maxLength);
	}

	/** A cluster with a timeout generous for a loaded test machine. */
	private RedisSseCluster<Object> cluster(LettuceConnectionFactory factory, int maxLength) {
		return cluster(factory, maxLength, Duration.ofSeconds(5));
	}

	private RedisSseCluster<Object> cluster(LettuceConnectionFactory factory, int maxLength, Duration timeout) {
		RedisSseCluster<Object> cluster = new RedisSseCluster<>(factory, SourceIdCodec.standard(), this.key, maxLength,
				timeout);
		this.closeables.add(cluster);
		return cluster;
	}

	private LettuceConnectionFactory factory() {
		LettuceConnectionFactory factory = redis.connectionFactory();
		this.closeables.add(0, factory::destroy);
		return factory;
	}

	private static byte[] frame(String id, String data) {
		return SseEncoder.encode(new SseEvent(id, null, data, null, null));
	}

	record Event(String id, @Nullable Object target, byte[] frame) {

		Event(String id, Audience<Object> audience, byte[] frame) {
			this(id, audience.source(), frame);
		}
	}

	static final class Received implements SseCluster.Receiver<Object> {

		final List<Event> events = new CopyOnWriteArrayList<>();

		@Override
		public void receive(String id, Audience<Object> audience, byte[] frame, long publishedMillis) {
			this.events.add(new Event(id, audience, frame));
		}

		List<String> ids() {
			return this.events.stream().map(Event::id).toList();
		}

	}

}
