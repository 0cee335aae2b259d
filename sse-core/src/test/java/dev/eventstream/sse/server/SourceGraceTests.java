package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SourceGraceTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	/**
	 * Opens the source, has it receive one event, disconnects it and returns that event's
	 * id.
	 */
	private static String connectAndLeave(SseServer<String> server, String sourceId, String... topics) {
		TestConnection connection = TestConnection.open(server.connect(sourceId, null, List.of(topics)));
		String seen = server.send(sourceId, SseEvent.of("seen")).orElseThrow();
		await().atMost(TestConnection.TIMEOUT).until(() -> connection.eventIds().contains(seen));
		connection.disconnect();
		connection.awaitClosed();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.get(sourceId).isEmpty());
		return seen;
	}

	@Test
	void sendWithinTheGraceRecordsTheEventForTheReconnectingClient() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceGrace(Duration.ofMinutes(1)));
		String seen = connectAndLeave(server, "alice");
		String direct = server.send("alice", SseEvent.of("while away")).orElseThrow();
		String viaSource = server.newEvent("note").sendTo("alice", "also while away").orElseThrow();
		assertThat(server.get("alice")).isEmpty();
		assertThat(server.size()).isZero();

		TestConnection back = TestConnection.open(server.connect("alice", seen));
		assertThat(back.events()).containsExactly(new RecordedFrame(direct, null, "while away", null, null),
				new RecordedFrame(viaSource, "note", "also while away", null, null));
		TestConnection other = TestConnection.open(server.connect("bob", seen));
		assertThat(other.events()).isEmpty();
	}

	@Test
	void sendAfterTheGraceReturnsEmptyAndRecordsNothing() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceGrace(Duration.ofMillis(200)));
		TestConnection watcher = TestConnection.open(server.connect("bob", null, List.of("room")));
		String seen = connectAndLeave(server, "alice", "room");
		// The source's grace and its topic's end together: once the leave is out, the
		// grace is over.
		String leave = "{\"topic\":\"room\",\"user\":\"alice\",\"state\":\"leave\"}";
		await().atMost(TestConnection.TIMEOUT).until(() -> watcher.eventData().contains(leave));
		String newest = watcher.events().get(watcher.events().size() - 1).id();
		assertThat(server.send("alice", SseEvent.of("too late"))).isEmpty();
		assertThat(server.newEvent("note").sendTo("alice", "too late")).isEmpty();

		TestConnection back = TestConnection.open(server.connect("alice", seen));
		assertThat(back.events()).isEmpty();
		assertThat(back.frames()).last().isEqualTo(new RecordedFrame(newest, null, null, null, null));
	}

	@Test
	void zeroGraceEndsAddressabilityWithTheLastConnection() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceGrace(Duration.ZERO));
		connectAndLeave(server, "alice");
		assertThat(server.send("alice", SseEvent.of("gone"))).isEmpty();
	}

	@Test
	void sourceThatNeverConnectedIsNotAddressable() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceGrace(Duration.ofMinutes(1)));
		connectAndLeave(server, "alice");
		assertThat(server.send("bob", SseEvent.of("unknown"))).isEmpty();
	}

	@Test
	void payloadComputedPerSourceIncludesSourcesWithinTheGraceAndIsReplayedToThem() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceGrace(Duration.ofMinutes(1)));
		TestConnection bob = TestConnection.open(server.connect("bob", null));
		String seen = connectAndLeave(server, "alice");
		Map<String, String> asked = new ConcurrentHashMap<>();
		String id = server.newEvent("greeting").send((sourceId, lastEventId) -> {
			asked.put(sourceId, String.valueOf(lastEventId));
			return "hello " + sourceId;
		});
		assertThat(asked).containsOnlyKeys("alice", "bob").containsEntry("alice", seen);
		assertThat(bob.awaitEvents(1)).containsExactly(new RecordedFrame(id, "greeting", "hello bob", null, null));

		TestConnection back = TestConnection.open(server.connect("alice", seen));
		assertThat(back.events()).containsExactly(new RecordedFrame(id, "greeting", "hello alice", null, null));
	}

	@Test
	void payloadComputedPerSourceLeavesOutSourcesWhoseGraceEnded() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceGrace(Duration.ZERO));
		TestConnection.open(server.connect("bob", null));
		connectAndLeave(server, "alice");
		Map<String, String> asked = new ConcurrentHashMap<>();
		server.newEvent("greeting").send((sourceId, lastEventId) -> {
			asked.put(sourceId, String.valueOf(lastEventId));
			return "hello " + sourceId;
		});
		assertThat(asked).containsOnlyKeys("bob");
	}

}
