package dev.eventstream.sse.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class TopicsTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	private static TestConnection open(SseServer<String> server, String sourceId, @Nullable String lastEventId,
			Collection<String> topics) {
		return TestConnection.open(server.connect(sourceId, lastEventId, topics));
	}

	private static TestConnection open(SseServer<String> server, String sourceId, String... topics) {
		return open(server, sourceId, null, List.of(topics));
	}

	@Test
	void topicEventReachesOnlyItsSubscribers() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceEvent(null));
		TestConnection alice = open(server, "alice", "news");
		TestConnection bob = open(server, "bob", "sports");
		TestConnection carol = open(server, "carol");
		String news = server.sendToTopic("news", SseEvent.of("headline"));
		String last = server.broadcast(SseEvent.of("to everyone"));
		assertThat(alice.awaitEvents(2)).extracting(RecordedFrame::id).containsExactly(news, last);
		assertThat(bob.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(last);
		assertThat(carol.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(last);
		assertThat(alice.events().get(0)).isEqualTo(new RecordedFrame(news, null, "headline", null, null));
	}

	@Test
	void connectionReceivesBroadcastsItsSourcesAndItsTopicsEventsEachOnceInPublishOrder() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceEvent(null));
		TestConnection alice = open(server, "alice", "news", "sports");
		TestConnection aliceWithoutTopics = open(server, "alice");
		TestConnection bob = open(server, "bob", "news");
		List<String> toAlice = new ArrayList<>();
		List<String> toAliceWithoutTopics = new ArrayList<>();
		List<String> toBob = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String all = server.broadcast(SseEvent.of("all " + i));
			toAlice.add(all);
			toAliceWithoutTopics.add(all);
			toBob.add(all);
			String news = server.sendToTopic("news", SseEvent.of("news " + i));
			toAlice.add(news);
			toBob.add(news);
			String sports = server.sendToTopic("sports", SseEvent.of("sports " + i));
			toAlice.add(sports);
			String forAlice = server.send("alice", SseEvent.of("for alice " + i)).orElseThrow();
			toAlice.add(forAlice);
			toAliceWithoutTopics.add(forAlice);
			String forBob = server.send("bob", SseEvent.of("for bob " + i)).orElseThrow();
			toBob.add(forBob);
			server.sendToTopic("weather", SseEvent.of("nobody listens " + i));
		}
		String end = server.broadcast(SseEvent.of("end"));
		toAlice.add(end);
		toAliceWithoutTopics.add(end);
		toBob.add(end);
		assertThat(alice.awaitEvents(toAlice.size())).extracting(RecordedFrame::id).isEqualTo(toAlice);
		assertThat(aliceWithoutTopics.awaitEvents(toAliceWithoutTopics.size())).extracting(RecordedFrame::id)
			.isEqualTo(toAliceWithoutTopics);
		assertThat(bob.awaitEvents(toBob.size())).extracting(RecordedFrame::id).isEqualTo(toBob);
	}

	@Test
	void topicEventIsMarshalledAndEncodedOnceForEverySubscriber() {
		AtomicInteger marshalled = new AtomicInteger();
		SseServer<String> server = this.servers.start((builder) -> builder.presenceEvent(null).marshaller((payload) -> {
			marshalled.incrementAndGet();
			return "{\"value\":\"" + payload + "\"}";
		}));
		List<TestConnection> subscribers = new ArrayList<>();
		for (String source : List.of("alice", "bob", "carol")) {
			subscribers.add(open(server, source, "prices"));
			subscribers.add(open(server, source, "prices", "news"));
		}
		TestConnection outsider = open(server, "dave", "news");
		String id = server.newEvent("price").sendToTopic("prices", 42);
		assertThat(marshalled).hasValue(1);
		byte[] frame = null;
		for (TestConnection subscriber : subscribers) {
			assertThat(subscriber.awaitEvents(1))
				.containsExactly(new RecordedFrame(id, "price", "{\"value\":\"42\"}", null, null));
			byte[] written = subscriber.writes().get(subscriber.writes().size() - 1);
			frame = (frame != null) ? frame : written;
			assertThat(written).isSameAs(frame);
		}
		String last = server.broadcast(SseEvent.of("last"));
		assertThat(outsider.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(last);
	}

	@Test
	void topicEventWithoutSubscribersIsRecordedForReplay() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceEvent(null));
		String before = server.broadcast(SseEvent.of("before"));
		String news = server.sendToTopic("news", SseEvent.of("nobody yet"));
		TestConnection late = open(server, "alice", before, List.of("news"));
		assertThat(late.events()).containsExactly(new RecordedFrame(news, null, "nobody yet", null, null));
	}

	@Test
	void duplicateTopicsOfOneConnectionCountOnce() {
		SseServer<String> server = this.servers
			.start((builder) -> builder.presenceEvent(null).maxTopicsPerConnection(2));
		SseStream<String> stream = server.connect("alice", null, List.of("news", "news", "sports", "news"));
		assertThat(stream.topics()).containsExactlyInAnyOrder("news", "sports");
		TestConnection alice = TestConnection.open(stream);
		assertThat(server.topicConnections()).isEqualTo(Map.of("news", 1, "sports", 1));
		assertThat(server.presence("news")).containsExactly("alice");
		String news = server.sendToTopic("news", SseEvent.of("once"));
		String end = server.broadcast(SseEvent.of("end"));
		assertThat(alice.awaitEvents(2)).extracting(RecordedFrame::id).containsExactly(news, end);
	}

	@Test
	void boundsTopicsPerConnection() {
		SseServer<String> server = this.servers.start((builder) -> builder.maxTopicsPerConnection(3));
		assertThat(server.connect("alice", null, List.of("a", "b", "c")).topics()).hasSize(3);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> server.connect("alice", null, List.of("a", "b", "c", "d")))
			.withMessage("'topics' must hold at most 3 topics per connection");
		assertThat(server.connectionCount()).isZero();
	}

	@Test
	void defaultBoundIsThirtyTwoTopicsPerConnection() {
		SseServer<String> server = this.servers.start();
		List<String> topics = new ArrayList<>();
		for (int i = 0; i < 32; i++) {
			topics.add("topic-" + i);
		}
		assertThat(server.connect("alice", null, topics).topics()).hasSize(32);
		topics.add("one-too-many");
		assertThatIllegalArgumentException().isThrownBy(() -> server.connect("alice", null, topics))
			.withMessage("'topics' must hold at most 32 topics per connection");
	}

	@Test
	void zeroTopicsPerConnectionRefusesEveryTopicButNotPlainConnections() {
		SseServer<String> server = this.servers.start((builder) -> builder.maxTopicsPerConnection(0));
		assertThatIllegalArgumentException().isThrownBy(() -> server.connect("alice", null, List.of("news")))
			.withMessage("'topics' must hold at most 0 topics per connection");
		open(server, "alice");
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "\t \t" })
	void rejectsBlankTopic(String topic) {
		assertRejected(topic, "'topic' must not be blank");
	}

	@Test
	void rejectsTopicLongerThanTwoHundredCharacters() {
		assertRejected("x".repeat(201), "'topic' must be at most 200 characters long");
		SseServer<String> server = this.servers.start((builder) -> builder.presenceEvent(null));
		String longest = "x".repeat(200);
		TestConnection alice = open(server, "alice", longest);
		String id = server.sendToTopic(longest, SseEvent.of("fits"));
		assertThat(alice.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(id);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\u0000", "\u0001", "\t", "\n", "\r", "\u001b", "\u001f", "\u007f" })
	void rejectsTopicWithControlCharacter(String control) {
		assertRejected("news" + control + "room", "'topic' must not contain control characters");
	}

	@Test
	void acceptsTopicNamesWithSpacesPunctuationAndNonAsciiCharacters() {
		SseServer<String> server = this.servers.start((builder) -> builder.presenceEvent(null));
		String topic = "room 42/général:\"quoted\"\u00a0\u4e2d\ud83d\ude00";
		TestConnection alice = open(server, "alice", topic);
		String id = server.sendToTopic(topic, SseEvent.of("hi"));
		assertThat(alice.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(id);
		assertThat(server.presence(topic)).containsExactly("alice");
	}

	@Test
	void rejectsNullTopics() {
		SseServer<String> server = this.servers.start();
		List<String> withNull = new ArrayList<>();
		withNull.add("news");
		withNull.add(null);
		assertThatNullPointerException().isThrownBy(() -> server.connect("alice", null, withNull))
			.withMessage("'topics' must not contain null");
	}

	@Test
	void keepsTheTopicsInTheOrderAskedAndJoinsThemInThatOrder() {
		SseServer<String> server = this.servers.start();
		TestConnection watcher = open(server, "watcher", "a", "b", "c");
		SseStream<String> stream = server.connect("alice", null, List.of("c", "a", "b", "a"));
		assertThat(stream.topics()).containsExactly("c", "a", "b");
		TestConnection.open(stream);
		String end = server.broadcast(SseEvent.of("end"));
		assertThat(watcher.awaitEvents(7)).extracting(RecordedFrame::data)
			.containsSubsequence("{\"topic\":\"c\",\"user\":\"alice\",\"state\":\"join\"}",
					"{\"topic\":\"a\",\"user\":\"alice\",\"state\":\"join\"}",
					"{\"topic\":\"b\",\"user\":\"alice\",\"state\":\"join\"}", "end");
		assertThat(watcher.eventIds()).last().isEqualTo(end);
	}

	@Test
	void invalidTopicFailsBeforeThePayloadIsMarshalled() {
		AtomicInteger marshalled = new AtomicInteger();
		SseServer<String> server = this.servers.start((builder) -> builder.marshaller((payload) -> {
			marshalled.incrementAndGet();
			return String.valueOf(payload);
		}));
		assertThatIllegalArgumentException().isThrownBy(() -> server.newEvent("x").sendToTopic(" ", "payload"))
			.withMessage("'topic' must not be blank");
		assertThat(marshalled).hasValue(0);
	}

	/**
	 * Every entry point refuses the name with the same message, and registers or records
	 * nothing.
	 */
	private void assertRejected(String topic, String message) {
		SseServer<String> server = this.servers.start();
		assertThatIllegalArgumentException().isThrownBy(() -> server.connect("alice", null, List.of("ok", topic)))
			.withMessage(message);
		assertThatIllegalArgumentException().isThrownBy(() -> server.sendToTopic(topic, SseEvent.of("x")))
			.withMessage(message);
		assertThatIllegalArgumentException().isThrownBy(() -> server.newEvent("x").sendToTopic(topic, "x"))
			.withMessage(message);
		assertThatIllegalArgumentException().isThrownBy(() -> server.presence(topic)).withMessage(message);
		assertThat(server.connectionCount()).isZero();
		assertThat(server.topicConnections()).isEmpty();
		TestConnection check = open(server, "check", EventHistory.ORIGIN, Set.of());
		assertThat(check.events()).isEmpty();
	}

}
