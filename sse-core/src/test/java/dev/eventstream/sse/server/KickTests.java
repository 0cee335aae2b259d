package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.List;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class KickTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	private static TestConnection open(SseServer<String> server, String sourceId) {
		return TestConnection.open(server.connect(sourceId, null));
	}

	@Test
	void kickSendsCloseEventEndsEveryStreamAndRefusesReconnects() {
		SseServer<String> server = this.servers.start();
		TestConnection tab1 = open(server, "alice");
		TestConnection tab2 = open(server, "alice");
		TestConnection bob = open(server, "bob");
		server.kick("alice", Duration.ofMinutes(1));
		for (TestConnection tab : List.of(tab1, tab2)) {
			tab.awaitClosed();
			assertThat(tab.text()).isEqualTo("retry: 3000\n\nid: 0\n\nevent: close\ndata:\n\n");
		}
		await().atMost(TestConnection.TIMEOUT).until(() -> server.get("alice").isEmpty());
		assertThat(server.closedConnections(CloseReason.SERVER)).isEqualTo(2);
		SseStream<String> reconnect = server.connect("alice", "0");
		assertThatExceptionOfType(ConnectionRefusedException.class)
			.isThrownBy(() -> reconnect.open(TestConnection.create(), null))
			.satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(ConnectionRefusedException.Reason.KICKED);
				assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
			});
		assertThat(server.get("alice")).isEmpty();
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(bob.isClosed()).isFalse();
		open(server, "carol");
	}

	@Test
	void acceptsSourceAgainOnceRefusalExpired() {
		SseServer<String> server = this.servers.start();
		open(server, "alice");
		server.kick("alice", Duration.ofMillis(200));
		assertThatExceptionOfType(ConnectionRefusedException.class).isThrownBy(() -> open(server, "alice"));
		await().atMost(TestConnection.TIMEOUT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
			open(server, "alice");
			return true;
		});
		assertThat(server.get("alice")).isPresent();
		String id = server.send("alice", SseEvent.of("welcome back")).orElseThrow();
		assertThat(id).isNotEmpty();
	}

	@Test
	void kickRefusesSourceThatIsNotConnected() {
		SseServer<String> server = this.servers.start();
		server.kick("alice", Duration.ofMinutes(1));
		assertThatExceptionOfType(ConnectionRefusedException.class).isThrownBy(() -> open(server, "alice"));
		assertThat(server.connectionCount()).isZero();
	}

	@Test
	void kickForZeroOnlyClosesTheSource() {
		SseServer<String> server = this.servers.start();
		TestConnection alice = open(server, "alice");
		server.kick("alice", Duration.ZERO);
		alice.awaitClosed();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.get("alice").isEmpty());
		open(server, "alice");
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void rejectsNegativeRefusal() {
		SseServer<String> server = this.servers.start();
		assertThatIllegalArgumentException().isThrownBy(() -> server.kick("alice", Duration.ofMillis(-1)))
			.withMessage("'refuseFor' must not be negative");
	}

}
