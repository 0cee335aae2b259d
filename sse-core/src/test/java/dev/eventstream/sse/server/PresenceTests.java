package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PresenceTests {

	private static final Duration SHORT_GRACE = Duration.ofMillis(200);

	private static final Duration LONG_GRACE = Duration.ofMinutes(1);

	@RegisterExtension
	final TestServers servers = new TestServers();

	private SseServer<String> start(Duration grace) {
		return this.servers.start((builder) -> builder.presenceGrace(grace));
	}

	private static TestConnection open(SseServer<String> server, String sourceId, @Nullable String lastEventId,
			String... topics) {
		return TestConnection.open(server.connect(sourceId, lastEventId, List.of(topics)));
	}

	private static String presence(String topic, String user, String state) {
		return "{\"topic\":\"" + topic + "\",\"user\":\"" + user + "\",\"state\":\"" + state + "\"}";
	}

	/**
	 * The data of the presence events the connection received, once a marker broadcast
	 * arrived after them.
	 */
	private static List<String> presenceEvents(SseServer<String> server, TestConnection connection) {
		String marker = server.broadcast(SseEvent.of("marker"));
		await().atMost(TestConnection.TIMEOUT).until(() -> connection.eventIds().contains(marker));
		return connection.events()
			.stream()
			.filter((event) -> "presence".equals(event.event()))
			.map(RecordedFrame::data)
			.toList();
	}

	@Test
	void countsEachSourceOnceWhateverItsNumberOfConnections() {
		SseServer<String> server = start(LONG_GRACE);
		TestConnection aliceTab1 = open(server, "alice", null, "room");
		TestConnection aliceTab2 = open(server, "alice", null, "room", "lobby");
		open(server, "bob", null, "room");
		open(server, "carol", null, "lobby");
		open(server, "dave", null);
		assertThat(server.presence("room")).containsExactlyInAnyOrder("alice", "bob");
		assertThat(server.presence("lobby")).containsExactlyInAnyOrder("alice", "carol");
		assertThat(server.presence("nowhere")).isEmpty();
		assertThat(server.topicConnections()).containsEntry("room", 3).containsEntry("lobby", 2).hasSize(2);

		aliceTab1.disconnect();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.topicConnections().get("room") == 2);
		assertThat(server.presence("room")).containsExactlyInAnyOrder("alice", "bob");
		// Gone as soon as the last subscribed connection is released, long before its
		// grace ends.
		aliceTab2.disconnect();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.presence("room").equals(Set.of("bob")));
		assertThat(server.presence("lobby")).containsExactly("carol");
	}

	@Test
	void joinGoesToEverySubscriberIncludingTheNewConnectionOnlyForTheFirstConnectionOfItsSource() {
		SseServer<String> server = start(LONG_GRACE);
		TestConnection bob = open(server, "bob", null, "room");
		TestConnection outsider = open(server, "carol", null, "lobby");
		TestConnection alice = open(server, "alice", null, "room", "lobby");
		TestConnection aliceTab2 = open(server, "alice", null, "room");
		List<String> bobSaw = presenceEvents(server, bob);
		assertThat(bobSaw).containsExactly(presence("room", "bob", "join"), presence("room", "alice", "join"));
		assertThat(presenceEvents(server, alice)).containsExactlyInAnyOrder(presence("room", "alice", "join"),
				presence("lobby", "alice", "join"));
		assertThat(presenceEvents(server, aliceTab2)).isEmpty();
		assertThat(presenceEvents(server, outsider)).containsExactly(presence("lobby", "carol", "join"),
				presence("lobby", "alice", "join"));
		RecordedFrame join = alice.events()
			.stream()
			.filter((event) -> presence("room", "alice", "join").equals(event.data()))
			.findFirst()
			.orElseThrow();
		assertThat(join.id()).isNotNull();
		assertThat(bob.events()).contains(join);
	}

	@Test
	void leavesOnceAfterTheGraceWhenNoConnectionCameBack() {
		SseServer<String> server = start(SHORT_GRACE);
		TestConnection bob = open(server, "bob", null, "room");
		TestConnection aliceTab1 = open(server, "alice", null, "room");
		TestConnection aliceTab2 = open(server, "alice", null, "room");
		aliceTab1.disconnect();
		long released = System.nanoTime();
		aliceTab2.disconnect();
		String leave = presence("room", "alice", "leave");
		await().atMost(TestConnection.TIMEOUT).until(() -> bob.eventData().contains(leave));
		long leftAt = bob.timedFrames()
			.stream()
			.filter((timed) -> leave.equals(timed.frame().data()))
			.findFirst()
			.orElseThrow()
			.nanos();
		assertThat(Duration.ofNanos(leftAt - released)).isGreaterThanOrEqualTo(SHORT_GRACE);
		assertThat(presenceEvents(server, bob)).containsExactly(presence("room", "bob", "join"),
				presence("room", "alice", "join"), leave);
		assertThat(server.presence("room")).containsExactly("bob");
	}

	@Test
	void reconnectWithinTheGraceNeitherLeavesNorJoinsAgain() {
		SseServer<String> server = start(Duration.ofMillis(300));
		TestConnection bob = open(server, "bob", null, "room");
		TestConnection alice = open(server, "alice", null, "room");
		TestConnection carol = open(server, "carol", null, "room");
		String seen = server.broadcast(SseEvent.of("seen"));
		await().atMost(TestConnection.TIMEOUT).until(() -> alice.eventIds().contains(seen));
		alice.disconnect();
		alice.awaitClosed();
		TestConnection aliceAgain = open(server, "alice", seen, "room");
		// Carol leaves after Alice did, so her leave comes after Alice's would have been
		// due.
		carol.disconnect();
		String carolLeft = presence("room", "carol", "leave");
		await().atMost(TestConnection.TIMEOUT).until(() -> bob.eventData().contains(carolLeft));
		assertThat(presenceEvents(server, bob)).containsExactly(presence("room", "bob", "join"),
				presence("room", "alice", "join"), presence("room", "carol", "join"), carolLeft);
		assertThat(presenceEvents(server, aliceAgain)).containsExactly(carolLeft);
		assertThat(server.presence("room")).containsExactlyInAnyOrder("alice", "bob");
	}

	@Test
	void reconnectWithoutATopicLeavesThatTopicAfterTheGraceOnly() {
		SseServer<String> server = start(Duration.ofMillis(300));
		TestConnection bob = open(server, "bob", null, "room", "lobby");
		TestConnection alice = open(server, "alice", null, "room", "lobby");
		alice.disconnect();
		alice.awaitClosed();
		open(server, "alice", null, "room");
		String leftLobby = presence("lobby", "alice", "leave");
		await().atMost(TestConnection.TIMEOUT).until(() -> bob.eventData().contains(leftLobby));
		assertThat(presenceEvents(server, bob)).containsExactlyInAnyOrder(presence("room", "bob", "join"),
				presence("lobby", "bob", "join"), presence("room", "alice", "join"), presence("lobby", "alice", "join"),
				leftLobby);
		assertThat(server.presence("room")).containsExactlyInAnyOrder("alice", "bob");
		assertThat(server.presence("lobby")).containsExactly("bob");
	}

	@Test
	void rejoinsAfterTheGrace() {
		SseServer<String> server = start(SHORT_GRACE);
		TestConnection bob = open(server, "bob", null, "room");
		open(server, "alice", null, "room").disconnect();
		String leave = presence("room", "alice", "leave");
		await().atMost(TestConnection.TIMEOUT).until(() -> bob.eventData().contains(leave));
		open(server, "alice", null, "room");
		assertThat(presenceEvents(server, bob)).containsExactly(presence("room", "bob", "join"),
				presence("room", "alice", "join"), leave, presence("room", "alice", "join"));
	}

	@Test
	void noPresenceEventsWhenDisabledButPresenceIsStillKnown() {
		SseServer<String> server = this.servers
			.start((builder) -> builder.presenceGrace(Duration.ZERO).presenceEvent(null));
		TestConnection bob = open(server, "bob", null, "room");
		TestConnection alice = open(server, "alice", null, "room");
		assertThat(server.presence("room")).containsExactlyInAnyOrder("alice", "bob");
		alice.disconnect();
		await().atMost(TestConnection.TIMEOUT).until(() -> server.presence("room").equals(Set.of("bob")));
		open(server, "carol", null, "room");
		// With no grace a leave would be due at the next grace tick, every 20 ms.
		await().during(Duration.ofMillis(200)).atMost(TestConnection.TIMEOUT).until(() -> bob.events().isEmpty());
		TestConnection watcher = open(server, "dave", EventHistory.ORIGIN, "room");
		assertThat(watcher.events()).isEmpty();
		assertThat(presenceEvents(server, bob)).isEmpty();
	}

	@Test
	void presenceEventCanBeRenamed() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceEvent("who"));
		TestConnection alice = open(server, "alice", null, "room");
		assertThat(alice.awaitEvents(1)).containsExactly(
				new RecordedFrame(alice.events().get(0).id(), "who", presence("room", "alice", "join"), null, null));
	}

	@Test
	void presenceEventsHaveIdsAndAreReplayedToTheTopicsSubscribers() {
		SseServer<String> server = start(LONG_GRACE);
		TestConnection bob = open(server, "bob", null, "room");
		String seen = server.broadcast(SseEvent.of("seen"));
		await().atMost(TestConnection.TIMEOUT).until(() -> bob.eventIds().contains(seen));
		bob.disconnect();
		bob.awaitClosed();
		TestConnection alice = open(server, "alice", null, "room");
		String join = alice.awaitEvents(1).get(0).id();
		assertThat(join).isNotNull();

		TestConnection bobAgain = open(server, "bob", seen, "room");
		assertThat(bobAgain.events())
			.containsExactly(new RecordedFrame(join, "presence", presence("room", "alice", "join"), null, null));
		// Replayed only to connections that follow the topic now.
		TestConnection bobElsewhere = open(server, "bob", seen);
		assertThat(bobElsewhere.events()).isEmpty();
	}

	@Test
	void escapesUserIdsAndTopicsInPresenceData() {
		SseServer<String> server = start(LONG_GRACE);
		String user = "a\"b\\c\nd\u0001e\u2028/é";
		String topic = "say \"hi\" \\o/";
		TestConnection connection = open(server, user, null, topic);
		assertThat(connection.awaitEvents(1)).extracting(RecordedFrame::data)
			.containsExactly(
					"{\"topic\":\"say \\\"hi\\\" \\\\o/\",\"user\":\"a\\\"b\\\\c\\nd\\u0001e\\u2028/é\",\"state\":\"join\"}");
	}

	@Test
	void presenceOfAnotherIdTypeUsesItsStringForm() {
		SseServer<Long> server = SseServer.<Long>builder().keepAlive(Duration.ZERO).writerThreads(2).build();
		server.start();
		try {
			TestConnection connection = TestConnection.open(server.connect(42L, null, List.of("room")));
			assertThat(connection.awaitEvents(1)).extracting(RecordedFrame::data)
				.containsExactly("{\"topic\":\"room\",\"user\":\"42\",\"state\":\"join\"}");
			assertThat(server.presence("room")).containsExactly(42L);
		}
		finally {
			server.close();
		}
	}

}
