package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class MaxLifetimeTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	private static TestConnection open(SseServer<String> server, String sourceId) {
		return TestConnection.open(server.connect(sourceId, null));
	}

	@Test
	void endsStreamCleanlyAfterItsLifetimeWithoutCloseEvent() {
		SseServer<String> server = this.servers.start((builder) -> builder.maxLifetime(Duration.ofMillis(300)));
		long start = System.nanoTime();
		TestConnection alice = open(server, "alice");
		String id = server.broadcast(SseEvent.of("before the cut"));
		alice.awaitClosed();
		Duration lived = Duration.ofNanos(System.nanoTime() - start);
		assertThat(lived).isGreaterThanOrEqualTo(Duration.ofMillis(270));
		assertThat(alice.text()).isEqualTo("retry: 3000\n\nid: 0\n\nid: " + id + "\ndata: before the cut\n\n");
		await().atMost(TestConnection.TIMEOUT).until(() -> server.connectionCount() == 0);
		assertThat(server.closedConnections(CloseReason.LIFETIME)).isEqualTo(1);
		assertThat(alice.closeCalls()).isEqualTo(1);
	}

	@Test
	void reconnectResumesFromLastEventIdWithNothingMissed() {
		SseServer<String> server = this.servers.start((builder) -> builder.maxLifetime(Duration.ofMillis(200)));
		TestConnection first = open(server, "alice");
		String before = server.broadcast(SseEvent.of("before"));
		first.awaitClosed();
		String during = server.broadcast(SseEvent.of("while reconnecting"));
		TestConnection second = TestConnection.open(server.connect("alice", before));
		assertThat(second.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(during);
		assertThat(first.eventIds()).containsExactly(before);
	}

	@Test
	void spreadsLifetimesBetweenNinetyAndHundredPercent() {
		Duration lifetime = Duration.ofHours(1);
		SseServer<String> server = this.servers.start((builder) -> builder.maxLifetime(lifetime));
		List<Long> lifetimes = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			long before = System.nanoTime();
			SseStream<?> stream = open(server, "user" + i).stream();
			long after = System.nanoTime();
			long expiresAt = stream.expiresAtNanos();
			assertThat(expiresAt - before).isGreaterThanOrEqualTo((long) (lifetime.toNanos() * 0.9));
			assertThat(expiresAt - after).isLessThanOrEqualTo(lifetime.toNanos());
			lifetimes.add(expiresAt - before);
		}
		assertThat(lifetimes.stream().distinct().count()).isGreaterThan(1);
	}

	@Test
	void keepsSendingKeepAlivesWithLifetimeOnTheSameTick() {
		SseServer<String> server = this.servers
			.start((builder) -> builder.keepAlive(Duration.ofMillis(100)).maxLifetime(Duration.ofHours(1)));
		TestConnection alice = open(server, "alice");
		await().atMost(TestConnection.TIMEOUT).until(() -> alice.comments().size() >= 2);
		assertThat(alice.isClosed()).isFalse();
	}

	@Test
	void rejectsNonPositiveLifetime() {
		SseServer.Builder<String> builder = SseServer.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxLifetime(Duration.ZERO))
			.withMessage("'maxLifetime' must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxLifetime(Duration.ofSeconds(-1)))
			.withMessage("'maxLifetime' must be positive");
	}

	@Test
	void eachOfManyStreamsEndsBetweenNinetyAndHundredPercentOfItsLifetime() {
		Duration lifetime = Duration.ofSeconds(1);
		// The ticker runs every twentieth of the lifetime; this allows for a late tick on
		// a busy machine.
		Duration allowance = Duration.ofMillis(60);
		SseServer<String> server = this.servers.start((builder) -> builder.maxLifetime(lifetime));
		int count = 50;
		long[] openedAt = new long[count];
		long[] closedAt = new long[count];
		for (int i = 0; i < count; i++) {
			int index = i;
			TestConnection connection = TestConnection.create();
			connection.onClose(() -> closedAt[index] = System.nanoTime());
			openedAt[i] = System.nanoTime();
			connection.openStream(server.connect("user" + i, null));
		}
		await().atMost(TestConnection.TIMEOUT).until(() -> server.connectionCount() == 0);
		assertThat(server.closedConnections(CloseReason.LIFETIME)).isEqualTo(count);
		List<Duration> lived = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			lived.add(Duration.ofNanos(closedAt[i] - openedAt[i]));
		}
		assertThat(lived).allSatisfy((duration) -> assertThat(duration)
			.isBetween(lifetime.multipliedBy(9).dividedBy(10), lifetime.plus(allowance)));
		// Deadlines are spread over 90 to 95% and a tick comes within a twentieth: 95% on
		// average.
		Duration average = lived.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(count);
		assertThat(average).isBetween(Duration.ofMillis(910), Duration.ofMillis(990));
	}

}
