package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConnectionLimitTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	private SseServer<String> start(Consumer<SseServer.Builder<String>> customizer) {
		return this.servers.start(customizer);
	}

	private static TestConnection open(SseServer<String> server, String sourceId) {
		return TestConnection.open(server.connect(sourceId, null));
	}

	@Test
	void refusesConnectionPastPerSourceLimitWithReasonAndRetryAfter() {
		SseServer<String> server = start(
				(builder) -> builder.maxConnectionsPerSource(2).retry(Duration.ofMillis(1500)));
		TestConnection tab1 = open(server, "alice");
		TestConnection tab2 = open(server, "alice");
		SseStream<String> third = server.connect("alice", null);
		assertThatExceptionOfType(ConnectionRefusedException.class)
			.isThrownBy(() -> third.open(TestConnection.create(), null))
			.satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(ConnectionRefusedException.Reason.MAX_CONNECTIONS_PER_SOURCE);
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofMillis(1500));
			});
		assertThat(server.connectionCount()).isEqualTo(2);
		assertThat(server.get("alice").orElseThrow().streams()).hasSize(2).doesNotContain(third);
		open(server, "bob");
		String id = server.broadcast(SseEvent.of("still served"));
		assertThat(tab1.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(id);
		assertThat(tab2.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(id);
	}

	@Test
	void refusesConnectionPastGlobalLimit() {
		SseServer<String> server = start((builder) -> builder.maxConnections(2));
		open(server, "alice");
		TestConnection bob = open(server, "bob");
		assertThatExceptionOfType(ConnectionRefusedException.class).isThrownBy(() -> open(server, "carol"))
			.satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(ConnectionRefusedException.Reason.MAX_CONNECTIONS);
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(3));
			});
		assertThat(server.connectionCount()).isEqualTo(2);
		assertThat(server.get("carol")).isEmpty();
		assertThat(bob.isClosed()).isFalse();
	}

	@Test
	void acceptsConnectionAgainOnceOneClosed() {
		SseServer<String> server = start((builder) -> builder.maxConnections(1));
		TestConnection alice = open(server, "alice");
		assertThatExceptionOfType(ConnectionRefusedException.class).isThrownBy(() -> open(server, "bob"));
		alice.disconnect();
		assertThat(server.connectionCount()).isZero();
		open(server, "bob");
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void retryAfterIsDefaultReconnectionTimeWhenServerSendsNoRetry() {
		SseServer<String> server = start((builder) -> builder.maxConnections(1).retry(null));
		open(server, "alice");
		assertThatExceptionOfType(ConnectionRefusedException.class).isThrownBy(() -> open(server, "bob"))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
	}

	@Test
	void neverExceedsLimitUnderConcurrentConnects() throws Exception {
		SseServer<String> server = start((builder) -> builder.maxConnections(10).maxConnectionsPerSource(3));
		ExecutorService executor = Executors.newFixedThreadPool(8);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<Boolean>> attempts = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				String source = "user" + (i % 5);
				attempts.add(executor.submit(() -> {
					start.await();
					try {
						open(server, source);
						return true;
					}
					catch (ConnectionRefusedException ex) {
						return false;
					}
				}));
			}
			start.countDown();
			int accepted = 0;
			for (Future<Boolean> attempt : attempts) {
				if (attempt.get(10, TimeUnit.SECONDS)) {
					accepted++;
				}
			}
			assertThat(accepted).isEqualTo(10);
			assertThat(server.connectionCount()).isEqualTo(10);
			assertThat(server.sources())
				.allSatisfy((source) -> assertThat(source.connectionCount()).isLessThanOrEqualTo(3));
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void rejectsInvalidLimits() {
		SseServer.Builder<String> builder = SseServer.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxConnections(0))
			.withMessage("'maxConnections' must be at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxConnectionsPerSource(-1))
			.withMessage("'maxConnectionsPerSource' must be at least 1");
	}

}
