package dev.eventstream.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.eventstream.sample.EventStreamRecorder.Event;
import dev.eventstream.sse.redis.RedisServer;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The "Topics and presence" part of the contract across two clustered sample applications
 * on a real {@code redis-server}: topic events, replay per topic set, presence counted
 * over every instance, the presence of an instance that died, and join and leave events
 * that count the whole cluster.
 */
class ClusteredTopicsIntegrationTests {

	private static final Duration GRACE = Duration.ofSeconds(1);

	// Every instance's presence claims expire this long after it stops renewing them.
	private static final Duration PRESENCE_TTL = Duration.ofSeconds(3);

	private static final Duration TIMEOUT = EventStreamRecorder.TIMEOUT;

	private static RedisServer redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	private static SampleClient a;

	private static SampleClient b;

	@BeforeAll
	static void startCluster() throws IOException {
		redis = RedisServer.start();
		first = new SpringApplicationBuilder(SampleApplication.class).run(arguments());
		second = new SpringApplicationBuilder(SampleApplication.class).run(arguments());
		a = new SampleClient(port(first));
		b = new SampleClient(port(second));
	}

	@AfterAll
	static void stopCluster() {
		second.close();
		first.close();
		redis.close();
	}

	@AfterEach
	void closeStreams() {
		a.close();
		b.close();
	}

	@Test
	void topicEventPublishedOnOneInstanceReachesItsSubscribersOnEveryInstanceOnceAndNobodyElse() {
		String room = topic();
		String other = topic();
		EventStreamRecorder onB = b.stream(user(), List.of(room));
		EventStreamRecorder onA = a.stream(user(), List.of(other, room));
		EventStreamRecorder otherRoomOnB = b.stream(user(), List.of(other));
		EventStreamRecorder noRoomOnB = b.stream(user());
		String published = a.publishToTopic(room, "chat", "hello room");
		String marker = a.broadcastMarker();
		assertThat(withoutPresence(onB.closeAfter(marker))).extracting(Event::id).containsExactly(published);
		assertThat(withoutPresence(onA.closeAfter(marker))).extracting(Event::id).containsExactly(published);
		assertThat(withoutPresence(otherRoomOnB.closeAfter(marker))).isEmpty();
		assertThat(noRoomOnB.closeAfter(marker)).isEmpty();
		Event chat = withoutPresence(onB.events()).get(0);
		assertThat(chat.type()).isEqualTo("chat");
		assertThat(chat.data()).isEqualTo("hello room");
	}

	@Test
	void replayOnAnotherInstanceHasNoGapNoDuplicateAndOnlyTheConnectionsTopics() {
		String room = topic();
		String other = topic();
		String ann = user();
		EventStreamRecorder onA = a.stream(ann, List.of(room));
		String seen = a.publishToTopic(room, null, "seen on A");
		onA.awaitEvent(seen);
		onA.close();
		String notSubscribed = b.publishToTopic(other, null, "another room");
		String broadcast = a.broadcast(null, "to everyone");
		String missed = b.publishToTopic(room, null, "missed on A");
		String direct = a.sendTo(ann, null, "to ann, within her grace");
		EventStreamRecorder onB = b.stream(ann, List.of(room), "Last-Event-ID", seen);
		String live = a.publishToTopic(room, null, "live on B");
		String marker = a.broadcastMarker();
		assertThat(withoutPresence(onB.closeAfter(marker))).extracting(Event::id)
			.containsExactly(broadcast, missed, direct, live)
			.doesNotContain(notSubscribed);
	}

	@Test
	void presenceCountsEveryInstanceAndAUserOnSeveralOnce() {
		String room = topic();
		String ann = "ann-" + UUID.randomUUID();
		String bob = "bob-" + UUID.randomUUID();
		b.stream(ann, List.of(room));
		await().atMost(TIMEOUT).until(() -> a.presence(room).equals(List.of(ann)));
		a.stream(ann, List.of(room));
		EventStreamRecorder bobOnA = a.stream(bob, List.of(room));
		await().atMost(TIMEOUT).until(() -> b.presence(room).size() == 2);
		assertThat(a.presence(room)).containsExactly(ann, bob);
		assertThat(b.presence(room)).containsExactly(ann, bob);
		bobOnA.close();
		await().atMost(TIMEOUT).until(() -> b.presence(room).equals(List.of(ann)));
		assertThat(a.presence(topic())).isEmpty();
	}

	/**
	 * A third instance runs in a process of its own and is killed ({@code SIGKILL}): it
	 * withdraws nothing, so its users stay present until its claims expire, then drop.
	 */
	@Test
	void presenceOfAnInstanceThatDiedExpires() throws Exception {
		String room = topic();
		String kim = user();
		String ann = user();
		a.stream(ann, List.of(room));
		Instance instance = startProcess();
		Process killed = instance.process();
		try (SampleClient k = new SampleClient(instance.port().get(60, TimeUnit.SECONDS))) {
			// Tomcat listens before the event streams are open for business.
			await().atMost(TIMEOUT).until(() -> k.get("/actuator/health").statusCode() == 200);
			k.stream(kim, List.of(room));
			await().atMost(TIMEOUT).until(() -> a.presence(room).size() == 2);
			// Renewed past the first expiry: a live instance's users do not drop.
			await().pollDelay(PRESENCE_TTL.plusMillis(500)).atMost(TIMEOUT).until(() -> true);
			assertThat(a.presence(room)).contains(kim);
			killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			long killedAt = System.nanoTime();
			assertThat(b.presence(room)).as("nothing withdrawn").contains(kim, ann);
			await().atMost(PRESENCE_TTL.plus(TIMEOUT)).until(() -> !b.presence(room).contains(kim));
			assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(PRESENCE_TTL.plusSeconds(2));
			assertThat(a.presence(room)).containsExactly(ann);
		}
		finally {
			killed.destroyForcibly();
		}
	}

	@Test
	void joinOnceWhenFirstPresentAnywhereAndLeaveOnlyWhenPresentNowhere() {
		String room = topic();
		String uma = user();
		EventStreamRecorder observer = a.stream(user(), List.of(room));
		EventStreamRecorder umaOnB = b.stream(uma, List.of(room));
		await().atMost(TIMEOUT).until(() -> a.presence(room).contains(uma));
		EventStreamRecorder umaOnA = a.stream(uma, List.of(room));
		umaOnA.close();
		await().atMost(TIMEOUT).until(() -> a.presence(room).contains(uma) && serverOf(first).get(uma).isEmpty());
		pastTheGrace();
		assertThat(presenceOf(uma, observer.awaitEvent(a.broadcastMarker()))).containsExactly("join");
		umaOnB.close();
		await().atMost(GRACE.plus(TIMEOUT))
			.until(() -> presenceOf(uma, observer.events()).equals(List.of("join", "leave")));
		pastTheGrace();
		assertThat(presenceOf(uma, observer.awaitEvent(a.broadcastMarker()))).containsExactly("join", "leave");
	}

	@Test
	void reconnectToAnotherInstanceWithinTheGraceNeitherLeavesNorJoinsAgain() {
		String room = topic();
		String uma = user();
		EventStreamRecorder observer = a.stream(user(), List.of(room));
		EventStreamRecorder umaOnA = a.stream(uma, List.of(room));
		String joined = umaOnA.awaitEvents(1).get(0).id();
		umaOnA.close();
		// A noticed that the connection dropped; the browser comes back on B within the
		// grace.
		await().atMost(TIMEOUT).until(() -> !b.presence(room).contains(uma));
		b.stream(uma, List.of(room), "Last-Event-ID", joined);
		await().atMost(TIMEOUT).until(() -> a.presence(room).contains(uma));
		pastTheGrace();
		assertThat(presenceOf(uma, observer.awaitEvent(a.broadcastMarker()))).containsExactly("join");
	}

	@Test
	void streamWithTopicsOpensWhileRedisIsDownAndIsPresentWhenItIsBack() throws IOException {
		String room = topic();
		String ann = user();
		redis.stop();
		EventStreamRecorder stream;
		try {
			await().atMost(TIMEOUT).until(() -> a.get("/actuator/health").statusCode() == 503);
			// Whether another instance holds ann in the room cannot be told: no join, but
			// no refusal either.
			stream = a.stream(ann, List.of(room));
			assertThat(serverOf(first).get(ann)).isPresent();
		}
		finally {
			redis.restart();
		}
		await().atMost(TIMEOUT)
			.until(() -> a.get("/actuator/health").statusCode() == 200
					&& b.get("/actuator/health").statusCode() == 200);
		await().atMost(TIMEOUT).until(() -> b.presence(room).equals(List.of(ann)));
		String id = b.publishToTopic(room, null, "after the outage");
		assertThat(withoutPresence(stream.awaitEvent(id))).extracting(Event::id).containsExactly(id);
	}

	private static void pastTheGrace() {
		await().pollDelay(GRACE.plusMillis(1000)).atMost(TIMEOUT).until(() -> true);
	}

	/** The states of the presence events about one user, in order. */
	private static List<String> presenceOf(String user, List<Event> events) {
		return events.stream()
			.filter((event) -> "presence".equals(event.type()))
			.map((event) -> SampleClient.JSON.readTree(event.data()))
			.filter((data) -> user.equals(data.get("user").asString()))
			.map((data) -> data.get("state").asString())
			.toList();
	}

	private static List<Event> withoutPresence(List<Event> events) {
		return events.stream().filter((event) -> !"presence".equals(event.type())).toList();
	}

	// A client that closed its stream is noticed at the next keep-alive write at the
	// latest.
	private static String[] arguments() {
		return new String[] { "--server.port=0", "--sse.cluster.type=redis", "--spring.data.redis.port=" + redis.port(),
				"--sse.cluster.redis.presence-ttl=" + PRESENCE_TTL.toMillis() + "ms",
				"--sse.presence.grace=" + GRACE.toMillis() + "ms", "--sse.keep-alive=500ms",
				"--spring.main.banner-mode=off" };
	}

	/** Starts the sample application in a JVM of its own, on this test's class path. */
	private static Instance startProcess() throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), SampleApplication.class.getName()));
		command.addAll(List.of(arguments()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		CompletableFuture<Integer> port = new CompletableFuture<>();
		Thread output = new Thread(() -> readPort(process, port), "killed-instance-output");
		output.setDaemon(true);
		output.start();
		process.onExit().thenRun(() -> port.completeExceptionally(new IllegalStateException("instance exited")));
		return new Instance(process, port);
	}

	/**
	 * Reads the process's output (so that it never blocks on a full pipe) and finds its
	 * port.
	 */
	private static void readPort(Process process, CompletableFuture<Integer> port) {
		Pattern started = Pattern.compile("Tomcat started on port (\\d+)");
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				Matcher matcher = started.matcher(line);
				if (matcher.find()) {
					port.complete(Integer.parseInt(matcher.group(1)));
				}
			}
		}
		catch (IOException ex) {
			port.completeExceptionally(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static SseServer<String> serverOf(ConfigurableApplicationContext context) {
		return context.getBean(SseServer.class);
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private static String topic() {
		return "room-" + UUID.randomUUID();
	}

	private static String user() {
		return "user-" + UUID.randomUUID();
	}

	/** An instance in a process of its own, and the port it listens on once started. */
	private record Instance(Process process, CompletableFuture<Integer> port) {
	}

}
