package dev.eventstream.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.eventstream.sample.EventStreamRecorder.Event;
import dev.eventstream.sse.autoconfigure.SseProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;

import static dev.eventstream.sample.SampleClient.acceptedId;
import static dev.eventstream.sample.SampleClient.assertProblem;
import static dev.eventstream.sample.SampleClient.body;
import static dev.eventstream.sample.SampleClient.contentType;
import static dev.eventstream.sample.SampleClient.pathSegment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Checks the sample app's HTTP contract ({@code CONTRACT.md}) over a real server with the
 * app's own configuration. Behaviour that needs other settings (a short keep-alive, a
 * small history) is in {@link ContractConnectionIntegrationTests}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ContractIntegrationTests {

	private static final Duration TIMEOUT = EventStreamRecorder.TIMEOUT;

	@LocalServerPort
	private int port;

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
	void streamHasEventStreamHeadersAndIsNeverCompressed() {
		EventStreamRecorder stream = this.client.stream(user(), "Accept-Encoding", "gzip, deflate, br");
		assertThat(stream.status()).isEqualTo(200);
		MediaType contentType = MediaType.parseMediaType(stream.headers().firstValue("Content-Type").orElseThrow());
		assertThat(contentType.getType()).isEqualTo("text");
		assertThat(contentType.getSubtype()).isEqualTo("event-stream");
		assertThat(contentType.getParameter("charset")).isEqualToIgnoringCase("UTF-8");
		assertThat(stream.headers().allValues("Cache-Control")).flatExtracting(ContractIntegrationTests::directives)
			.contains("no-cache", "no-transform");
		assertThat(stream.headers().allValues("X-Accel-Buffering")).containsExactly("no");
		assertThat(stream.headers().firstValue("Content-Length")).isEmpty();
		assertThat(stream.headers().allValues("Content-Encoding"))
			.allSatisfy((encoding) -> assertThat(encoding.trim()).isEqualToIgnoringCase("identity"));
		// Readable as plain text: not compressed whatever the header says.
		await().atMost(TIMEOUT).until(() -> stream.lines().size() >= 2);
		assertThat(stream.lines().subList(0, 2)).containsExactly("retry: 3000", "");
		String end = this.client.broadcastMarker();
		assertThat(stream.closeAfter(end)).isEmpty();
		assertThat(stream.carriageReturns()).isZero();
	}

	@Test
	void firstFieldIsRetryInMilliseconds() {
		EventStreamRecorder stream = this.client.stream(user());
		await().atMost(TIMEOUT).until(() -> !stream.lines().isEmpty());
		assertThat(stream.lines().get(0)).isEqualTo("retry: 3000");
		assertThat(stream.retry()).isEqualTo(3000L);
		assertThat(stream.closeAfter(this.client.broadcastMarker())).isEmpty();
	}

	@Test
	void applicationYamlSetsRetryAndKeepAlive(@Autowired SseProperties properties) {
		assertThat(properties.retry()).isEqualTo(Duration.ofSeconds(3));
		assertThat(properties.keepAlive()).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void commandLineOptionsSetPortAndSseProperties() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--sse.retry=1500ms", "--sse.keep-alive=1s");
				SampleClient other = new SampleClient(
						context.getEnvironment().getRequiredProperty("local.server.port", Integer.class))) {
			EventStreamRecorder stream = other.stream(user());
			await().atMost(TIMEOUT).until(() -> !stream.comments().isEmpty());
			assertThat(stream.lines().get(0)).isEqualTo("retry: 1500");
			assertThat(stream.closeAfter(other.broadcastMarker())).isEmpty();
		}
	}

	@Test
	void homePageConnectsWithEventSourceAndPublishes() {
		HttpResponse<String> page = this.client.get("/", "Accept", "text/html");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(contentType(page)).isEqualTo(MediaType.TEXT_HTML);
		// The script may be inline or in files the page loads.
		StringBuilder text = new StringBuilder(page.body());
		Matcher scripts = Pattern.compile("<script[^>]*\\ssrc=[\"']([^\"']+)[\"']").matcher(page.body());
		while (scripts.find()) {
			HttpResponse<String> script = this.client.get(this.client.uri("/").resolve(scripts.group(1)).getPath());
			assertThat(script.statusCode()).as("status of script %s", scripts.group(1)).isEqualTo(200);
			text.append(script.body());
		}
		assertThat(text).contains("EventSource", "/events", "user");
		assertThat(text.toString().toLowerCase()).contains("connecting", "open", "reconnecting", "<form");
	}

	@Test
	void anyNonBlankUserIdWorksWhenUrlEncoded() {
		String suffix = UUID.randomUUID().toString();
		List<String> users = List.of("alice smith" + suffix, "a+b" + suffix, "a b" + suffix, "Zoë 北京 🚀" + suffix,
				" padded " + suffix, "50% & ?=#;" + suffix, "team/ops" + suffix);
		List<EventStreamRecorder> streams = new ArrayList<>();
		for (String user : users) {
			streams.add(this.client.stream(user));
		}
		List<String> ids = new ArrayList<>();
		for (String user : users) {
			ids.add(this.client.sendTo(user, "to", user));
		}
		String end = this.client.broadcastMarker();
		for (int i = 0; i < users.size(); i++) {
			assertThat(streams.get(i).closeAfter(end)).extracting(Event::id, Event::type, Event::data)
				.containsExactly(tuple(ids.get(i), "to", users.get(i)));
		}
	}

	@Test
	void severalConnectionsOfOneUserAllReceive() {
		String alice = user();
		String bob = user();
		EventStreamRecorder tab1 = this.client.stream(alice);
		EventStreamRecorder tab2 = this.client.stream(alice);
		EventStreamRecorder other = this.client.stream(bob);
		String all = this.client.broadcast(null, "to all");
		String toAlice = this.client.sendTo(alice, null, "to alice");
		String end = this.client.broadcastMarker();
		for (EventStreamRecorder tab : List.of(tab1, tab2)) {
			assertThat(tab.closeAfter(end)).extracting(Event::id, Event::data)
				.containsExactly(tuple(all, "to all"), tuple(toAlice, "to alice"));
		}
		assertThat(other.closeAfter(end)).extracting(Event::id, Event::data).containsExactly(tuple(all, "to all"));
	}

	@Test
	void rejectsMissingEmptyOrBlankUser() {
		List<String> queries = List.of("/events", "/events?user=", "/events?user=%20", "/events?user=+",
				"/events?user=%20%09%20", "/events?user=%0A", "/events?other=x");
		for (String query : queries) {
			assertProblem(this.client.get(query), 400);
			assertProblem(this.client.get(query, "Accept", "text/event-stream"), 400);
			assertProblem(this.client.get(query, "Accept", "text/event-stream", "Last-Event-ID", "1"), 400);
		}
	}

	@Test
	void stringDataIsSentAsIsWithOneDataLinePerLine() {
		EventStreamRecorder stream = this.client.stream(user());
		List<String> sent = List.of("one\ntwo\r\nthree\rfour", "\n", "trailing\r\n", "\r\rtwo cr", "", " leading space",
				"héllo ✓ 🚀", "data: not a field", ":not a comment", "id: 7");
		List<String> ids = new ArrayList<>();
		for (String data : sent) {
			ids.add(this.client.broadcast(null, data));
		}
		List<Event> events = stream.closeAfter(this.client.broadcastMarker());
		assertThat(events).extracting(Event::data)
			.containsExactly("one\ntwo\nthree\nfour", "\n", "trailing\n", "\n\ntwo cr", "", " leading space",
					"héllo ✓ 🚀", "data: not a field", ":not a comment", "id: 7");
		assertThat(events).extracting(Event::id).containsExactlyElementsOf(ids);
		assertThat(events).extracting(Event::type).containsOnly("message");
		assertThat(dataLines(events.get(0))).containsExactly("data: one", "data: two", "data: three", "data: four");
		assertThat(dataLines(events.get(1))).containsExactly("data:", "data:");
		assertThat(dataLines(events.get(4))).containsExactly("data:");
		assertThat(stream.carriageReturns()).isZero();
	}

	@Test
	void otherJsonValuesAreSentAsCompactJson() {
		EventStreamRecorder stream = this.client.stream(user());
		List<String> bodies = List.of(
				"{ \"data\" : { \"b\" : [ 1 , 2.5 , true ] ,\n \"a\" : null, \"s\" : \"x\\ny\" } }", "{\"data\": 42}",
				"{\"data\": -3.25}", "{\"data\": [ \"a\" ,\t{ } , [ ] ]}", "{\"data\": true}", "{\"data\": false}",
				"{\"data\": {}}", "{\"data\": \"42\"}");
		List<String> ids = new ArrayList<>();
		for (String body : bodies) {
			ids.add(acceptedId(this.client.postJson("/events", body)));
		}
		List<Event> events = stream.closeAfter(this.client.broadcastMarker());
		assertThat(events).extracting(Event::data)
			.containsExactly("{\"b\":[1,2.5,true],\"a\":null,\"s\":\"x\\ny\"}", "42", "-3.25", "[\"a\",{},[]]", "true",
					"false", "{}", "42");
		assertThat(events).extracting(Event::id).containsExactlyElementsOf(ids);
		assertThat(dataLines(events.get(0))).hasSize(1);
	}

	@Test
	void eventNameIsOptional() {
		EventStreamRecorder stream = this.client.stream(user());
		String absent = this.client.broadcast(null, "no name");
		String empty = this.client.broadcast("", "empty name");
		String named = this.client.broadcast("greeting", "named");
		String unicode = this.client.broadcast("événement", "unicode name");
		List<Event> events = stream.closeAfter(this.client.broadcastMarker());
		assertThat(events).extracting(Event::id, Event::type, Event::data)
			.containsExactly(tuple(absent, "message", "no name"), tuple(empty, "message", "empty name"),
					tuple(named, "greeting", "named"), tuple(unicode, "événement", "unicode name"));
		assertThat(events.get(0).hasField("event")).isFalse();
		assertThat(events.get(1).hasField("event")).isFalse();
		assertThat(events.get(2).lines()).contains("event: greeting");
		assertThat(events.get(3).lines()).contains("event: événement");
	}

	@Test
	void publishingAnswers202WithTheEventIdAsJsonString() {
		String user = user();
		EventStreamRecorder stream = this.client.stream(user);
		String broadcast = acceptedId(this.client.postJson("/events", body("x", "1")));
		String direct = acceptedId(this.client.postJson("/events/" + pathSegment(user), body("x", "2")));
		// application/json with a charset is still application/json
		String withCharset = acceptedId(this.client.post("/events", "application/json;charset=UTF-8", body(null, "3")));
		assertThat(new HashSet<>(List.of(broadcast, direct, withCharset))).hasSize(3);
		assertThat(stream.closeAfter(this.client.broadcastMarker())).extracting(Event::id, Event::data)
			.containsExactly(tuple(broadcast, "1"), tuple(direct, "2"), tuple(withCharset, "3"));
	}

	@Test
	void publishingRejectsOtherContentTypesAndSendsNothing() {
		String user = user();
		EventStreamRecorder stream = this.client.stream(user);
		String body = body(null, "x");
		for (String path : List.of("/events", "/events/" + pathSegment(user), "/events/" + user())) {
			for (String contentType : new String[] { "text/plain", "application/x-www-form-urlencoded",
					"application/xml", "text/event-stream", null }) {
				HttpResponse<String> response = this.client.post(path, contentType, body);
				assertThat(response.statusCode()).as("POST %s with %s", path, contentType).isEqualTo(415);
			}
		}
		assertThat(stream.closeAfter(this.client.broadcastMarker())).isEmpty();
	}

	@Test
	void publishingRejectsInvalidBodiesAndSendsNothing() {
		String user = user();
		EventStreamRecorder stream = this.client.stream(user);
		EventStreamRecorder other = this.client.stream(user());
		for (String path : List.of("/events", "/events/" + pathSegment(user), "/events/" + user())) {
			for (String body : invalidBodies()) {
				assertProblem(this.client.postJson(path, body), 400);
			}
		}
		String end = this.client.broadcastMarker();
		assertThat(stream.closeAfter(end)).isEmpty();
		assertThat(other.closeAfter(end)).isEmpty();
	}

	private static List<String> invalidBodies() {
		return List.of("", "{", "not json", "{\"data\": \"x\"", "{\"data\": \"x\"} trailing", "{}",
				"{\"event\": \"x\"}", "{\"data\": null}", "{\"event\": \"x\", \"data\": null}",
				"{\"event\": \"a\\nb\", \"data\": \"x\"}", "{\"event\": \"a\\rb\", \"data\": \"x\"}",
				"{\"event\": \"\\r\\n\", \"data\": \"x\"}", "{\"event\": \"x\\n\", \"data\": {\"k\": 1}}", "[]",
				"[{\"data\": \"x\"}]", "\"x\"", "null", "42");
	}

	@Test
	void sendToUserReachesOnlyThatUsersConnections() {
		String alice = user();
		EventStreamRecorder alice1 = this.client.stream(alice);
		EventStreamRecorder alice2 = this.client.stream(alice);
		EventStreamRecorder bob = this.client.stream(user());
		EventStreamRecorder similar = this.client.stream(alice + " ");
		String id = this.client.sendTo(alice, "private", "for alice");
		String end = this.client.broadcastMarker();
		for (EventStreamRecorder tab : List.of(alice1, alice2)) {
			assertThat(tab.closeAfter(end)).extracting(Event::id, Event::type, Event::data)
				.containsExactly(tuple(id, "private", "for alice"));
		}
		assertThat(bob.closeAfter(end)).isEmpty();
		assertThat(similar.closeAfter(end)).isEmpty();
	}

	@Test
	void sendToUnknownUserIs404() {
		EventStreamRecorder stream = this.client.stream(user());
		assertProblem(this.client.postJson("/events/" + user(), body(null, "x")), 404);
		assertProblem(this.client.postJson("/events/" + pathSegment("nobody at all é"), body("x", "y")), 404);
		assertThat(stream.closeAfter(this.client.broadcastMarker())).isEmpty();
	}

	@Test
	void sendToUserIs404OnceItsLastConnectionClosed() {
		String user = user();
		EventStreamRecorder tab1 = this.client.stream(user);
		EventStreamRecorder tab2 = this.client.stream(user);
		tab1.close();
		// The other tab keeps the user connected.
		String id = this.client.sendTo(user, null, "still here");
		assertThat(tab2.awaitEvents(1)).extracting(Event::id, Event::data).containsExactly(tuple(id, "still here"));
		tab2.close();
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.client.postJson("/events/" + pathSegment(user), body(null, "poll")).statusCode() == 404);
		assertProblem(this.client.postJson("/events/" + pathSegment(user), body(null, "gone")), 404);
		assertThat(tab1.events()).isEmpty();
		assertThat(tab2.events()).extracting(Event::id).containsExactly(id);
		// A bad body is still 400 first.
		assertProblem(this.client.postJson("/events/" + pathSegment(user), "{\"data\": null}"), 400);
	}

	@Test
	void reconnectingWithLastEventIdReplaysWhatThisUserMissedThenGoesLive() {
		String alice = user();
		String bob = user();
		EventStreamRecorder stayingTab = this.client.stream(alice);
		EventStreamRecorder leavingTab = this.client.stream(alice);
		EventStreamRecorder bobStream = this.client.stream(bob);
		String seen = this.client.broadcast(null, "seen");
		assertThat(leavingTab.awaitEvents(1)).extracting(Event::id).containsExactly(seen);
		assertThat(leavingTab.lastEventId()).isEqualTo(seen);
		leavingTab.close();
		assertThat(leavingTab.events()).extracting(Event::id).containsExactly(seen);
		String b1 = this.client.broadcast("news", "b1");
		String toAlice = this.client.sendTo(alice, "private", "to alice");
		String b2 = this.client.broadcast(null, "b2\nsecond line");
		String toBob = this.client.sendTo(bob, "private", "to bob");
		String b3 = this.client.broadcast(null, "b3");
		EventStreamRecorder back = this.client.stream(alice, "Last-Event-ID", seen);
		List<Event> replayed = back.awaitEvents(4);
		assertThat(replayed).extracting(Event::id, Event::type, Event::data)
			.containsExactly(tuple(b1, "news", "b1"), tuple(toAlice, "private", "to alice"),
					tuple(b2, "message", "b2\nsecond line"), tuple(b3, "message", "b3"));
		assertThat(back.lines().get(0)).isEqualTo("retry: 3000");
		String live = this.client.broadcast(null, "live");
		String end = this.client.broadcastMarker();
		assertThat(back.closeAfter(end)).extracting(Event::id).containsExactly(b1, toAlice, b2, b3, live);
		assertThat(stayingTab.closeAfter(end)).extracting(Event::id).containsExactly(seen, b1, toAlice, b2, b3, live);
		assertThat(bobStream.closeAfter(end)).extracting(Event::id).containsExactly(seen, b1, b2, toBob, b3, live);
		// Up to date: nothing to replay, no duplicate and no missed signal.
		EventStreamRecorder again = this.client.stream(alice, "Last-Event-ID", end);
		await().atMost(TIMEOUT).until(() -> again.blocks().size() >= 2);
		assertThat(again.closeAfter(this.client.broadcastMarker())).isEmpty();
	}

	@Test
	void unknownLastEventIdOpensTheStreamWithTheMissedSignalFirst() {
		this.client.broadcast(null, "so that history is not empty");
		for (String lastEventId : List.of("never-issued-" + UUID.randomUUID(), "999999999", "x".repeat(300))) {
			String user = user();
			EventStreamRecorder stream = this.client.stream(user, "Last-Event-ID", lastEventId);
			assertThat(stream.status()).isEqualTo(200);
			String live = this.client.sendTo(user, null, "live");
			List<Event> events = stream.closeAfter(this.client.broadcastMarker());
			assertThat(events.get(0).type()).isEqualTo("missed");
			assertThat(events.get(0).hasField("id")).isFalse();
			assertThat(events.get(events.size() - 1).id()).isEqualTo(live);
			assertThat(events.subList(1, events.size())).extracting(Event::type).doesNotContain("missed");
		}
	}

	@Test
	void newStreamsStayOpenWhileOtherClientsDisconnect() {
		for (int i = 0; i < 100; i++) {
			this.client.stream(user()).close();
			// The server finds out that the client is gone when it writes to it.
			this.client.broadcast(null, "find out");
			this.client.broadcast(null, "find out");
			String user = user();
			EventStreamRecorder stream = this.client.stream(user);
			HttpResponse<String> response = this.client.postJson("/events/" + user, body(null, "hello"));
			assertThat(response.statusCode()).as("POST /events/{user} right after GET /events (round %d)", i)
				.isEqualTo(202);
			assertThat(stream.awaitEvents(1)).extracting(Event::data).containsExactly("hello");
			stream.close();
			assertThat(stream.ended()).as("stream ended by the server (round %d)", i).isFalse();
		}
	}

	@Test
	void eventsReachEachConnectionInPublishOrder() {
		String alice = user();
		EventStreamRecorder first = this.client.stream(alice);
		EventStreamRecorder second = this.client.stream(user());
		List<String> ids = new ArrayList<>();
		List<String> data = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			data.add(Integer.toString(i));
			ids.add((i % 5 == 0) ? this.client.sendTo(alice, null, data.get(i))
					: this.client.broadcast(null, data.get(i)));
		}
		assertThat(new HashSet<>(ids)).hasSize(50);
		String end = this.client.broadcastMarker();
		List<Event> toFirst = first.closeAfter(end);
		assertThat(toFirst).extracting(Event::id).containsExactlyElementsOf(ids);
		assertThat(toFirst).extracting(Event::data).containsExactlyElementsOf(data);
		List<String> broadcastIds = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			if (i % 5 != 0) {
				broadcastIds.add(ids.get(i));
			}
		}
		assertThat(second.closeAfter(end)).extracting(Event::id).containsExactlyElementsOf(broadcastIds);
	}

	@Test
	void healthHasSseComponentUp() {
		HttpResponse<String> response = this.client.get("/actuator/health");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode health = SampleClient.JSON.readTree(response.body());
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("components").get("sse").get("status").asString()).isEqualTo("UP");
	}

	@Test
	void connectionsMetricIsExposed() {
		JsonNode metric = this.client.getJson("/actuator/metrics/sse.connections");
		assertThat(metric.get("name").asString()).isEqualTo("sse.connections");
		assertThat(metric.get("measurements")).hasSize(1);
		assertThat(metric.get("measurements").get(0).get("statistic").asString()).isEqualTo("VALUE");
		assertThat(metric.get("measurements").get(0).get("value").isNumber()).isTrue();
		assertThat(metric.get("availableTags").isArray()).isTrue();
	}

	private static List<String> dataLines(Event event) {
		return event.lines().stream().filter((line) -> line.equals("data") || line.startsWith("data:")).toList();
	}

	private static List<String> directives(String cacheControl) {
		List<String> directives = new ArrayList<>();
		for (String directive : cacheControl.split(",")) {
			directives.add(directive.trim().toLowerCase());
		}
		return directives;
	}

	private static String user() {
		return "user-" + UUID.randomUUID();
	}

}
