package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TopicAuthorizerTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	private final List<String> asked = new CopyOnWriteArrayList<>();

	// Everyone may follow "public"; a user may follow "private-<user>".
	private final TopicAuthorizer<String> authorizer = (sourceId, topic) -> {
		this.asked.add(sourceId + "@" + topic);
		return topic.equals("public") || topic.equals("private-" + sourceId);
	};

	private SseServer<String> start() {
		return this.servers
			.start((builder) -> builder.topicAuthorizer(this.authorizer).presenceGrace(Duration.ofMinutes(1)));
	}

	@Test
	void forbiddenTopicRefusesTheWholeStreamAndRegistersNothing() {
		SseServer<String> server = start();
		TestConnection bob = TestConnection.open(server.connect("bob", null, List.of("public")));
		String newest = bob.awaitEvents(1).get(0).id();
		SseStream<String> stream = server.connect("alice", null, List.of("public", "private-bob"));
		TestConnection connection = TestConnection.create();
		assertThatExceptionOfType(ConnectionRefusedException.class).isThrownBy(() -> connection.openStream(stream))
			.satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(ConnectionRefusedException.Reason.TOPIC_FORBIDDEN);
				assertThat(ex.retryAfter()).isZero();
				assertThat(ex.getMessage()).contains("private-bob");
			});
		assertThat(server.connectionCount()).isEqualTo(1);
		assertThat(server.size()).isEqualTo(1);
		assertThat(server.get("alice")).isEmpty();
		assertThat(server.presence("public")).containsExactly("bob");
		assertThat(server.presence("private-bob")).isEmpty();
		assertThat(server.topicConnections()).containsOnlyKeys("public");
		assertThat(connection.text()).isEmpty();
		// Not even within a grace: the refused source was never connected.
		assertThat(server.send("alice", SseEvent.of("x"))).isEmpty();
		// No join was published: a new connection is primed with the same newest id.
		TestConnection check = TestConnection.open(server.connect("carol", null));
		assertThat(check.frames()).last().isEqualTo(new RecordedFrame(newest, null, null, null, null));
	}

	@Test
	void allowedTopicsAreAskedOncePerTopicAndStream() {
		SseServer<String> server = start();
		TestConnection alice = TestConnection.open(server.connect("alice", null, List.of("public", "private-alice")));
		assertThat(this.asked).containsExactlyInAnyOrder("alice@public", "alice@private-alice");
		String secret = server.sendToTopic("private-alice", SseEvent.of("secret"));
		assertThat(alice.awaitEvents(3)).extracting(RecordedFrame::id).contains(secret);
		assertThat(server.presence("private-alice")).containsExactly("alice");
	}

	@Test
	void streamWithoutTopicsIsNotAsked() {
		SseServer<String> server = start();
		TestConnection.open(server.connect("alice", null));
		assertThat(this.asked).isEmpty();
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void authorizerThatThrowsRefusesTheStreamAndRegistersNothing() {
		SseServer<String> server = this.servers.start((builder) -> builder.topicAuthorizer((sourceId, topic) -> {
			throw new IllegalStateException("directory down");
		}));
		SseStream<String> stream = server.connect("alice", null, List.of("public"));
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> TestConnection.create().openStream(stream))
			.withMessage("directory down");
		assertThat(server.connectionCount()).isZero();
		assertThat(server.presence("public")).isEmpty();
	}

}
