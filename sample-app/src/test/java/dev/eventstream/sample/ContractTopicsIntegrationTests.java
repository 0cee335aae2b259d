package dev.eventstream.sample;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.eventstream.sample.EventStreamRecorder.Event;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.eventstream.sample.SampleClient.assertProblem;
import static dev.eventstream.sample.SampleClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The "Topics and presence" part of the contract: streams that follow topics, publishing
 * to a topic, replay per topic set, presence and its join and leave events with their
 * grace.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.keep-alive=1s", "sse.presence.grace=1500ms" })
class ContractTopicsIntegrationTests {

	private static final Duration GRACE = Duration.ofMillis(1500);

	private static final Duration TIMEOUT = EventStreamRecorder.TIMEOUT;

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	private SampleClient client;

	@BeforeEach
	void createClient() {
		this.client = new SampleClient(this.port);
	}

	@AfterEach
	void closeStreams() {
		this.client.close();
	}

	@Test
	void streamReceivesBroadcastsItsUsersEventsAndItsTopicsEventsOnceInOrder() {
		String room = topic();
		String other = topic();
		String user = user();
		EventStreamRecorder member = this.client.stream(user, List.of(room, other));
		EventStreamRecorder outsider = this.client.stream(user());
		awaitRegistered(user);
		String first = this.client.publishToTopic(room, "chat", "hello room");
		String second = this.client.broadcast(null, "to everyone");
		String third = this.client.sendTo(user, null, "to the user");
		String fourth = this.client.publishToTopic(other, null, "other room");
		String elsewhere = this.client.publishToTopic(topic(), null, "nobody's room");
		String last = this.client.broadcastMarker();
		List<Event> events = member.awaitEvent(last);
		assertThat(withoutPresence(events)).extracting(Event::id)
			.containsExactly(first, second, third, fourth, last)
			.doesNotContain(elsewhere);
		assertThat(withoutPresence(events).get(0).type()).isEqualTo("chat");
		assertThat(withoutPresence(events).get(0).data()).isEqualTo("hello room");
		assertThat(outsider.awaitEvent(last)).extracting(Event::id).containsExactly(second, last);
	}

	@Test
	void topicEventWithoutSubscribersIsAcceptedAndReplayed() {
		String room = topic();
		String user = user();
		EventStreamRecorder first = this.client.stream(user, List.of(room));
		awaitRegistered(user);
		String seen = this.client.broadcast(null, "seen");
		first.awaitEvent(seen);
		first.close();
		await().atMost(TIMEOUT).until(() -> this.server.get(user).isEmpty());
		String missed = this.client.publishToTopic(room, null, "while nobody listened");
		String notMine = this.client.publishToTopic(topic(), null, "another room");
		EventStreamRecorder back = this.client.stream(user, List.of(room), "Last-Event-ID", seen);
		String live = this.client.broadcastMarker();
		assertThat(withoutPresence(back.awaitEvent(live))).extracting(Event::id)
			.containsExactly(missed, live)
			.doesNotContain(notMine);
	}

	@Test
	void replayFollowsTheTopicsOfTheReconnectingConnection() {
		String kept = topic();
		String dropped = topic();
		String added = topic();
		String user = user();
		EventStreamRecorder first = this.client.stream(user, List.of(kept, dropped));
		awaitRegistered(user);
		String seen = this.client.broadcast(null, "seen");
		first.awaitEvent(seen);
		first.close();
		await().atMost(TIMEOUT).until(() -> this.server.get(user).isEmpty());
		String toKept = this.client.publishToTopic(kept, null, "kept");
		this.client.publishToTopic(dropped, null, "dropped");
		String toAdded = this.client.publishToTopic(added, null, "added");
		EventStreamRecorder back = this.client.stream(user, List.of(kept, added), "Last-Event-ID", seen);
		String live = this.client.broadcastMarker();
		assertThat(withoutPresence(back.awaitEvent(live))).extracting(Event::id).containsExactly(toKept, toAdded, live);
	}

	@Test
	void rejectsBadTopicNamesWithProblemAndRegistersNothing() {
		String user = user();
		String tooLong = "t".repeat(201);
		for (String query : List.of("&topic=", "&topic=%20%20", "&topic=a%01b", "&topic=a%7Fb", "&topic=" + tooLong)) {
			assertProblem(this.client.get("/events?user=" + user + query, "Accept", "text/event-stream"), 400);
		}
		assertThat(this.server.get(user)).isEmpty();
		assertProblem(this.client.postJson("/topics/a%01b/events", body(null, "x")), 400);
		assertProblem(this.client.postJson("/topics/" + tooLong + "/events", body(null, "x")), 400);
		assertProblem(this.client.postJson("/topics/" + topic() + "/events", "{\"event\": \"x\"}"), 400);
		assertProblem(this.client.get("/topics/a%01b/presence"), 400);
		assertThat(this.client.publishToTopic("t".repeat(200), null, "longest name")).isNotBlank();
		String withComma = "a,b " + topic();
		EventStreamRecorder stream = this.client.stream(user, List.of(withComma));
		awaitRegistered(user);
		String id = this.client.publishToTopic(withComma, null, "one topic, commas and all");
		assertThat(withoutPresence(stream.awaitEvent(id))).extracting(Event::id).containsExactly(id);
	}

	@Test
	void presenceListsUsersWithAnOpenSubscribedConnectionSorted() {
		String room = topic();
		String bob = "bob-" + UUID.randomUUID();
		String alice = "alice-" + UUID.randomUUID();
		EventStreamRecorder bobs = this.client.stream(bob, List.of(room));
		this.client.stream(alice, List.of(room));
		this.client.stream(alice, List.of(room));
		this.client.stream(user(), List.of(topic()));
		await().atMost(TIMEOUT).until(() -> this.client.presence(room).size() == 2);
		assertThat(this.client.presence(room)).containsExactly(alice, bob);
		bobs.close();
		await().atMost(TIMEOUT).until(() -> this.client.presence(room).equals(List.of(alice)));
		assertThat(this.client.presence(topic())).isEmpty();
	}

	@Test
	void joinGoesToEveryMemberIncludingTheNewOneAndLeaveFollowsTheGrace() {
		String room = topic();
		String ann = user();
		String ben = user();
		EventStreamRecorder anns = this.client.stream(ann, List.of(room));
		List<Event> annJoined = anns.awaitEvents(1);
		assertThat(annJoined.get(0).type()).isEqualTo("presence");
		assertThat(SampleClient.JSON.readTree(annJoined.get(0).data()).toString())
			.isEqualTo("{\"topic\":\"" + room + "\",\"user\":\"" + ann + "\",\"state\":\"join\"}");
		EventStreamRecorder bens = this.client.stream(ben, List.of(room));
		Event benJoined = bens.awaitEvents(1).get(0);
		assertThat(benJoined.data()).contains("\"user\":\"" + ben + "\"", "\"state\":\"join\"");
		assertThat(anns.awaitEvent(benJoined.id())).extracting(Event::id).contains(benJoined.id());
		bens.close();
		long closedAt = System.nanoTime();
		await().atMost(GRACE.plus(TIMEOUT))
			.until(() -> anns.events().stream().anyMatch((event) -> event.data().contains("\"state\":\"leave\"")));
		assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isGreaterThanOrEqualTo(GRACE);
		Event left = anns.events().get(anns.events().size() - 1);
		assertThat(left.type()).isEqualTo("presence");
		assertThat(left.data()).contains("\"user\":\"" + ben + "\"");
	}

	@Test
	void reconnectWithinTheGraceNeitherLeavesNorJoinsAgain() {
		String room = topic();
		String ann = user();
		String ben = user();
		EventStreamRecorder anns = this.client.stream(ann, List.of(room));
		anns.awaitEvents(1);
		EventStreamRecorder bens = this.client.stream(ben, List.of(room));
		String joined = bens.awaitEvents(1).get(0).id();
		anns.awaitEvent(joined);
		bens.close();
		await().atMost(TIMEOUT).until(() -> !this.client.presence(room).contains(ben));
		this.client.stream(ben, List.of(room), "Last-Event-ID", joined);
		await().atMost(TIMEOUT).until(() -> this.client.presence(room).contains(ben));
		// Past the grace of the first connection: no leave came, and no second join.
		await().pollDelay(GRACE.plusMillis(500)).atMost(GRACE.plus(TIMEOUT)).until(() -> true);
		String marker = this.client.broadcastMarker();
		assertThat(anns.awaitEvent(marker)).filteredOn((event) -> "presence".equals(event.type()))
			.extracting(Event::data)
			.hasSize(2)
			.noneMatch((data) -> data.contains("leave"));
	}

	private void awaitRegistered(String user) {
		await().atMost(TIMEOUT).until(() -> this.server.get(user).isPresent());
	}

	private static List<Event> withoutPresence(List<Event> events) {
		return events.stream().filter((event) -> !"presence".equals(event.type())).toList();
	}

	private static String topic() {
		return "room-" + UUID.randomUUID();
	}

	private static String user() {
		return "user-" + UUID.randomUUID();
	}

}
