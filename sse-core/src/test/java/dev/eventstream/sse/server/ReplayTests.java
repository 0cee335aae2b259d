package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReplayTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	private SseServer<String> start(EventHistory<String> history) {
		return start(history, (builder) -> {
		});
	}

	private SseServer<String> start(EventHistory<String> history, Consumer<SseServer.Builder<String>> customizer) {
		return this.servers.start((builder) -> customizer.accept(builder.history(history)));
	}

	private static TestConnection reconnect(SseServer<String> server, String sourceId, @Nullable String lastEventId) {
		return TestConnection.open(server.connect(sourceId, lastEventId));
	}

	private static List<String> broadcast(SseServer<String> server, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(server.broadcast(SseEvent.of("event " + i)));
		}
		return ids;
	}

	private static String replayOf(List<String> ids) {
		StringBuilder text = new StringBuilder();
		for (String id : ids) {
			text.append("id: ").append(id).append('\n');
			text.append("data: event ").append(ids.indexOf(id)).append("\n\n");
		}
		return text.toString();
	}

	@Test
	void replaysWhatThisSourceMissedAfterLastEventIdThenLiveEvents() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		TestConnection alice = reconnect(server, "alice", null);
		TestConnection.open(server.connect("bob", null));
		String seen = server.broadcast(SseEvent.of("seen"));
		alice.awaitEvents(1);
		alice.disconnect();
		TestConnection.open(server.connect("alice", null)); // another tab keeps the
															// source connected
		String toAlice = server.send("alice", SseEvent.of("for alice")).orElseThrow();
		String toBob = server.send("bob", SseEvent.of("for bob")).orElseThrow();
		String all = server.broadcast(SseEvent.of("all"));
		String toAliceAgain = server.send("alice", SseEvent.of("for alice again")).orElseThrow();

		TestConnection back = reconnect(server, "alice", seen);
		assertThat(back.text())
			.isEqualTo("retry: 3000\n\n" + "id: " + toAlice + "\ndata: for alice\n\n" + "id: " + all + "\ndata: all\n\n"
					+ "id: " + toAliceAgain + "\ndata: for alice again\n\n" + "id: " + toAliceAgain + "\n\n");
		assertThat(back.eventIds()).doesNotContain(toBob, seen);
		String live = server.broadcast(SseEvent.of("live"));
		assertThat(back.awaitEvents(4)).extracting(RecordedFrame::id).containsExactly(toAlice, all, toAliceAgain, live);
	}

	@Test
	void replaysOwnPerSourcePayloadOnly() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		reconnect(server, "alice", null);
		reconnect(server, "bob", null);
		String id = server.newEvent("greeting").send((source, lastEventId) -> "hello " + source);
		TestConnection back = reconnect(server, "bob", EventHistory.ORIGIN);
		assertThat(back.events()).containsExactly(new RecordedFrame(id, "greeting", "hello bob", null, null));
	}

	@Test
	void lastEventIdOfNewestEventReplaysNothing() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		List<String> ids = broadcast(server, 3);
		TestConnection back = reconnect(server, "alice", ids.get(2));
		assertThat(back.text()).isEqualTo("retry: 3000\n\nid: " + ids.get(2) + "\n\n");
	}

	@Test
	void lastEventIdOfPrimingFrameReplaysWhatCameAfter() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		reconnect(server, "bob", null);
		String toBob = server.send("bob", SseEvent.of("for bob")).orElseThrow();
		// A client that connects now is primed with an id of an event that was not for
		// it.
		TestConnection alice = reconnect(server, "alice", null);
		assertThat(alice.frames()).last().isEqualTo(new RecordedFrame(toBob, null, null, null, null));
		String all = server.broadcast(SseEvent.of("all"));
		TestConnection back = reconnect(server, "alice", toBob);
		assertThat(back.eventIds()).containsExactly(all);
		assertThat(back.eventData()).doesNotContain("for bob");
	}

	@Test
	void unknownLastEventIdSignalsMissedWithOldestIdThenReplaysEverythingHeld() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		List<String> ids = broadcast(server, 3);
		TestConnection back = reconnect(server, "alice", "no-such-id");
		assertThat(back.text()).isEqualTo("retry: 3000\n\n" + "event: missed\ndata: " + ids.get(0) + "\n\n"
				+ replayOf(ids) + "id: " + ids.get(2) + "\n\n");
	}

	@Test
	void missedSignalCanBeDisabled() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null), (builder) -> builder.missedEvent(null));
		List<String> ids = broadcast(server, 2);
		TestConnection back = reconnect(server, "alice", "no-such-id");
		assertThat(back.text()).isEqualTo("retry: 3000\n\n" + replayOf(ids) + "id: " + ids.get(1) + "\n\n");
	}

	@Test
	void originWithNothingEvictedReplaysEverythingWithoutMissedSignal() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		List<String> ids = broadcast(server, 3);
		TestConnection back = reconnect(server, "alice", EventHistory.ORIGIN);
		assertThat(back.text()).isEqualTo("retry: 3000\n\n" + replayOf(ids) + "id: " + ids.get(2) + "\n\n");
	}

	@Test
	void originOnFreshServerReplaysNothing() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		assertThat(reconnect(server, "alice", EventHistory.ORIGIN).text()).isEqualTo("retry: 3000\n\nid: 0\n\n");
	}

	@Test
	void originAfterEvictionSignalsMissed() {
		SseServer<String> server = start(new InMemoryEventHistory<>(3, null));
		List<String> ids = broadcast(server, 5);
		TestConnection back = reconnect(server, "alice", EventHistory.ORIGIN);
		assertThat(back.frames()).first().isEqualTo(new RecordedFrame(null, null, null, "3000", null));
		assertThat(back.frames().get(1)).isEqualTo(new RecordedFrame(null, "missed", ids.get(2), null, null));
		assertThat(back.eventIds()).containsExactly(null, ids.get(2), ids.get(3), ids.get(4));
	}

	@Test
	void historyOfThreeEvictsOlderEvents() {
		SseServer<String> server = start(new InMemoryEventHistory<>(3, null));
		List<String> ids = broadcast(server, 5);
		TestConnection evicted = reconnect(server, "alice", ids.get(0));
		assertThat(evicted.events()).containsExactly(new RecordedFrame(null, "missed", ids.get(2), null, null),
				new RecordedFrame(ids.get(2), null, "event 2", null, null),
				new RecordedFrame(ids.get(3), null, "event 3", null, null),
				new RecordedFrame(ids.get(4), null, "event 4", null, null));
		TestConnection held = reconnect(server, "bob", ids.get(2));
		assertThat(held.eventIds()).containsExactly(ids.get(3), ids.get(4));
	}

	@Test
	void historyOfZeroReplaysNothingAndSignalsMissed() {
		SseServer<String> server = start(new InMemoryEventHistory<>(0, null));
		List<String> ids = broadcast(server, 2);
		TestConnection back = reconnect(server, "alice", ids.get(0));
		assertThat(back.text()).isEqualTo("retry: 3000\n\nevent: missed\ndata:\n\nid: " + ids.get(1) + "\n\n");
		assertThat(reconnect(server, "bob", ids.get(1)).events()).isEmpty();
	}

	@Test
	void maxAgeEvictsOldEvents() {
		AtomicLong nanos = new AtomicLong();
		SseServer<String> server = start(new InMemoryEventHistory<>(100, Duration.ofSeconds(10), nanos::get));
		String first = server.broadcast(SseEvent.of("at 0s"));
		nanos.set(TimeUnit.SECONDS.toNanos(5));
		String second = server.broadcast(SseEvent.of("at 5s"));
		nanos.set(TimeUnit.SECONDS.toNanos(6));
		String third = server.broadcast(SseEvent.of("at 6s"));
		nanos.set(TimeUnit.SECONDS.toNanos(10));
		assertThat(reconnect(server, "a", first).eventIds()).containsExactly(second, third);

		nanos.set(TimeUnit.SECONDS.toNanos(12));
		assertThat(reconnect(server, "b", second).eventIds()).containsExactly(third);
		assertThat(reconnect(server, "c", first).events()).containsExactly(
				new RecordedFrame(null, "missed", second, null, null),
				new RecordedFrame(second, null, "at 5s", null, null),
				new RecordedFrame(third, null, "at 6s", null, null));
		assertThat(reconnect(server, "d", EventHistory.ORIGIN).events()).first()
			.isEqualTo(new RecordedFrame(null, "missed", second, null, null));

		nanos.set(TimeUnit.SECONDS.toNanos(30));
		assertThat(reconnect(server, "e", third).events()).isEmpty();
		assertThat(reconnect(server, "f", second).events())
			.containsExactly(new RecordedFrame(null, "missed", "", null, null));
	}

	@Test
	void rejectsInvalidHistoryBounds() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryEventHistory<String>(-1, null))
			.withMessage("'size' must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryEventHistory<String>(1, Duration.ZERO))
			.withMessage("'maxAge' must be positive");
	}

	@Test
	void oversizedLastEventIdIsTreatedAsUnknown() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		List<String> ids = broadcast(server, 2);
		String huge = ids.get(0) + "1".repeat(10 * 1024);
		TestConnection back = reconnect(server, "alice", huge);
		assertThat(back.events()).containsExactly(new RecordedFrame(null, "missed", ids.get(0), null, null),
				new RecordedFrame(ids.get(0), null, "event 0", null, null),
				new RecordedFrame(ids.get(1), null, "event 1", null, null));
		assertThat(server.get("alice").orElseThrow().lastEventId()).isNotEqualTo(huge);
	}

	@ParameterizedTest
	@ValueSource(strings = { "CR", "LF", "CRLF", "NUL" })
	void lastEventIdWithControlCharacterIsTreatedAsUnknown(String character) {
		String control = switch (character) {
			case "CR" -> "\r";
			case "LF" -> "\n";
			case "CRLF" -> "\r\n";
			default -> "\0";
		};
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		List<String> ids = broadcast(server, 2);
		// Names the newest id, so that only treating it as unknown sends anything.
		TestConnection back = reconnect(server, "alice", ids.get(1) + control);
		assertThat(back.events()).containsExactly(new RecordedFrame(null, "missed", ids.get(0), null, null),
				new RecordedFrame(ids.get(0), null, "event 0", null, null),
				new RecordedFrame(ids.get(1), null, "event 1", null, null));
		assertThat(back.text()).doesNotContain("\r", "\0");
	}

	@Test
	void emptyLastEventIdCountsAsFirstConnection() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null));
		List<String> ids = broadcast(server, 2);
		TestConnection back = reconnect(server, "alice", "");
		assertThat(back.text()).isEqualTo("retry: 3000\n\nid: " + ids.get(1) + "\n\n");
		assertThat(server.get("alice").orElseThrow().lastEventId()).isNull();
	}

	@Test
	void replaysWhatTheCurrentSourceAndTopicsWouldHaveReceived() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null),
				(builder) -> builder.presenceEvent(null));
		TestConnection alice = TestConnection.open(server.connect("alice", null, List.of("a", "b")));
		TestConnection.open(server.connect("bob", null, List.of("a", "c")));
		String seen = server.broadcast(SseEvent.of("seen"));
		alice.awaitEvents(1);
		alice.disconnect();
		String toA = server.sendToTopic("a", SseEvent.of("to a"));
		String toB = server.sendToTopic("b", SseEvent.of("to b"));
		String toC = server.sendToTopic("c", SseEvent.of("to c"));
		String all = server.broadcast(SseEvent.of("all"));
		String toAlice = server.send("alice", SseEvent.of("to alice")).orElseThrow();
		String toBob = server.send("bob", SseEvent.of("to bob")).orElseThrow();
		String toD = server.sendToTopic("d", SseEvent.of("to d"));

		// Topic a is dropped on reconnect, c is added.
		TestConnection back = TestConnection.open(server.connect("alice", seen, List.of("b", "c")));
		assertThat(back.text()).isEqualTo(
				"retry: 3000\n\n" + "id: " + toB + "\ndata: to b\n\n" + "id: " + toC + "\ndata: to c\n\n" + "id: " + all
						+ "\ndata: all\n\n" + "id: " + toAlice + "\ndata: to alice\n\n" + "id: " + toD + "\n\n");
		assertThat(back.eventIds()).doesNotContain(toA, toBob, toD);
		TestConnection plain = TestConnection.open(server.connect("alice", seen));
		assertThat(plain.eventIds()).containsExactly(all, toAlice);
		TestConnection everything = TestConnection.open(server.connect("carol", seen, List.of("a", "b", "c", "d")));
		assertThat(everything.eventIds()).containsExactly(toA, toB, toC, all, toD);
	}

	@Test
	void missedSignalNamesTheOldestEventHeldWhateverItsAudience() {
		SseServer<String> server = start(new InMemoryEventHistory<>(3, null), (builder) -> builder.presenceEvent(null));
		String evicted = server.sendToTopic("b", SseEvent.of("evicted"));
		String toA = server.sendToTopic("a", SseEvent.of("to a"));
		String toB = server.sendToTopic("b", SseEvent.of("to b"));
		String all = server.broadcast(SseEvent.of("all"));
		TestConnection back = TestConnection.open(server.connect("alice", evicted, List.of("b")));
		assertThat(back.events()).containsExactly(new RecordedFrame(null, "missed", toA, null, null),
				new RecordedFrame(toB, null, "to b", null, null), new RecordedFrame(all, null, "all", null, null));
		TestConnection complete = TestConnection.open(server.connect("bob", toA, List.of("b")));
		assertThat(complete.eventIds()).containsExactly(toB, all);
	}

	@Test
	void liveTopicEventsFollowTheReplayWithNoGapAndNoDuplicate() {
		SseServer<String> server = start(new InMemoryEventHistory<>(100, null),
				(builder) -> builder.presenceEvent(null));
		String seen = server.broadcast(SseEvent.of("seen"));
		String replayed = server.sendToTopic("a", SseEvent.of("replayed"));
		TestConnection back = TestConnection.open(server.connect("alice", seen, List.of("a")));
		String live = server.sendToTopic("a", SseEvent.of("live"));
		server.sendToTopic("b", SseEvent.of("not followed"));
		String end = server.broadcast(SseEvent.of("end"));
		assertThat(back.awaitEvents(3)).extracting(RecordedFrame::id).containsExactly(replayed, live, end);
	}

}
