package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.List;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class LifecycleTests {

	private final SseServer<String> server = SseServer.<String>builder()
		.keepAlive(Duration.ZERO)
		.writerThreads(2)
		.presenceGrace(Duration.ofMillis(300))
		.build();

	@AfterEach
	void close() {
		this.server.close();
	}

	private void assertRefusesConnectionsAndEvents() {
		assertThat(this.server.isRunning()).isFalse();
		SseStream<String> stream = this.server.connect("alice", null, List.of("room"));
		assertThatExceptionOfType(ServerClosedException.class)
			.isThrownBy(() -> TestConnection.create().openStream(stream))
			.withMessage("SSE server is not running");
		assertThatExceptionOfType(ServerClosedException.class)
			.isThrownBy(() -> this.server.broadcast(SseEvent.of("x")));
		assertThatExceptionOfType(ServerClosedException.class)
			.isThrownBy(() -> this.server.send("alice", SseEvent.of("x")));
		assertThatExceptionOfType(ServerClosedException.class)
			.isThrownBy(() -> this.server.sendToTopic("room", SseEvent.of("x")));
		ServerEvent<String> event = this.server.newEvent("e");
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(() -> event.send("x"));
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(() -> event.sendTo("alice", "x"));
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(() -> event.sendToTopic("room", "x"));
		assertThatExceptionOfType(ServerClosedException.class)
			.isThrownBy(() -> event.send((sourceId, lastEventId) -> "x"));
		assertThat(this.server.connectionCount()).isZero();
		assertThat(this.server.presence("room")).isEmpty();
	}

	@Test
	void serverThatWasNotStartedRefusesConnectionsAndEvents() {
		assertRefusesConnectionsAndEvents();
	}

	@Test
	void stopEndsEveryStreamCleanlyAndStartAcceptsAgainWithTheSameHistory() {
		this.server.start();
		TestConnection alice = TestConnection.open(this.server.connect("alice", null, List.of("room")));
		TestConnection bob = TestConnection.open(this.server.connect("bob", null));
		String seen = this.server.broadcast(SseEvent.of("seen"));
		await().atMost(TestConnection.TIMEOUT).until(() -> alice.eventIds().contains(seen));
		alice.disconnect();
		String missed = this.server.broadcast(SseEvent.of("missed"));
		String inRoom = this.server.sendToTopic("room", SseEvent.of("in the room"));

		this.server.stop();
		alice.awaitClosed();
		bob.awaitClosed();
		assertThat(bob.text()).doesNotContain("event: close");
		assertThat(bob.eventIds()).containsExactly(seen, missed);
		assertThat(this.server.closedConnections(CloseReason.SHUTDOWN)).isEqualTo(1);
		assertThat(this.server.closedConnections(CloseReason.CLIENT)).isEqualTo(1);
		assertThat(this.server.size()).isZero();
		assertRefusesConnectionsAndEvents();

		this.server.start();
		assertThat(this.server.isRunning()).isTrue();
		TestConnection aliceAgain = TestConnection.open(this.server.connect("alice", seen, List.of("room")));
		assertThat(aliceAgain.eventIds()).containsExactly(missed, inRoom);
		String live = this.server.broadcast(SseEvent.of("live"));
		assertThat(aliceAgain.awaitEvents(3)).extracting(RecordedFrame::id).containsExactly(missed, inRoom, live);
	}

	@Test
	void restartsSeveralTimes() {
		for (int i = 0; i < 3; i++) {
			this.server.start();
			TestConnection connection = TestConnection.open(this.server.connect("alice", null));
			String id = this.server.broadcast(SseEvent.of("round " + i));
			assertThat(connection.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(id);
			this.server.stop();
			connection.awaitClosed();
			assertThat(this.server.connectionCount()).isZero();
		}
		assertThat(this.server.closedConnections(CloseReason.SHUTDOWN)).isEqualTo(3);
	}

	@Test
	void startAndStopAreIdempotent() {
		this.server.stop();
		this.server.start();
		this.server.start();
		TestConnection connection = TestConnection.open(this.server.connect("alice", null));
		this.server.stop();
		this.server.stop();
		connection.awaitClosed();
		assertThat(connection.closeCalls()).isEqualTo(1);
		assertThat(this.server.closedConnections(CloseReason.SHUTDOWN)).isEqualTo(1);
	}

	@Test
	void membersThatComeBackAfterARestartWithinTheGraceDoNotJoinAgainAndTheOthersLeave() {
		this.server.start();
		TestConnection bob = TestConnection.open(this.server.connect("bob", null, List.of("room")));
		TestConnection.open(this.server.connect("alice", null, List.of("room")));
		String seen = this.server.broadcast(SseEvent.of("seen"));
		await().atMost(TestConnection.TIMEOUT).until(() -> bob.eventIds().contains(seen));
		this.server.stop();
		assertThat(this.server.presence("room")).isEmpty();
		this.server.start();
		TestConnection bobAgain = TestConnection.open(this.server.connect("bob", seen, List.of("room")));
		String leave = "{\"topic\":\"room\",\"user\":\"alice\",\"state\":\"leave\"}";
		await().atMost(TestConnection.TIMEOUT).until(() -> bobAgain.eventData().contains(leave));
		String marker = this.server.broadcast(SseEvent.of("marker"));
		await().atMost(TestConnection.TIMEOUT).until(() -> bobAgain.eventIds().contains(marker));
		assertThat(bobAgain.eventData()).containsExactly(leave, "marker");
		assertThat(this.server.presence("room")).containsExactly("bob");
	}

	@Test
	void closeIsFinal() {
		this.server.start();
		TestConnection connection = TestConnection.open(this.server.connect("alice", null));
		this.server.close();
		connection.awaitClosed();
		assertThat(this.server.closedConnections(CloseReason.SHUTDOWN)).isEqualTo(1);
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(this.server::start);
		assertRefusesConnectionsAndEvents();
		this.server.close();
		this.server.stop();
		assertThat(this.server.isRunning()).isFalse();
	}

	@Test
	void closingAServerThatNeverStartedMakesItUnstartable() {
		this.server.close();
		assertThatExceptionOfType(ServerClosedException.class).isThrownBy(this.server::start);
		assertRefusesConnectionsAndEvents();
	}

}
