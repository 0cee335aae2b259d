package dev.eventstream.sample;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.eventstream.sse.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two sample applications run clustered with nothing but {@code --sse.cluster.type=redis}
 * and {@code --spring.data.redis.port}, against a real {@code redis-server}: the
 * contract's API works across them, and a Redis outage is a {@code 503} and a
 * {@code DOWN} health, not lost events.
 */
class ClusteredSampleIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static RedisServer redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	private static SampleClient a;

	private static SampleClient b;

	@BeforeAll
	static void startCluster() throws IOException {
		redis = RedisServer.start();
		first = start();
		second = start();
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
	void broadcastsAndSendsAcrossInstances() {
		EventStreamRecorder zoe = b.stream("zoe");
		EventStreamRecorder yan = a.stream("yan");
		int zoeBefore = awaitRegistered(b, zoe, "zoe");
		int yanBefore = awaitRegistered(a, yan, "yan");

		String broadcast = a.broadcast("news", "to everyone");
		String direct = a.sendTo("zoe", "dm", "for zoe");

		assertThat(zoe.awaitEvents(zoeBefore + 2).subList(zoeBefore, zoeBefore + 2))
			.extracting(EventStreamRecorder.Event::id)
			.containsExactly(broadcast, direct);
		assertThat(yan.awaitEvents(yanBefore + 1).subList(yanBefore, yanBefore + 1))
			.extracting(EventStreamRecorder.Event::id)
			.containsExactly(broadcast);
		SampleClient.assertProblem(a.postJson("/events/nobody", SampleClient.body(null, "x")), 404);
		JsonNode sse = a.getJson("/actuator/health").get("components").get("sse");
		assertThat(sse.get("status").asString()).isEqualTo("UP");
		assertThat(sse.get("details").get("cluster").asString()).isEqualTo("available");
	}

	@Test
	void redisOutageIsServiceUnavailableUntilRedisIsBack() throws IOException {
		EventStreamRecorder stream = b.stream("vic");
		int before = awaitRegistered(b, stream, "vic");
		redis.stop();
		try {
			await().atMost(WAIT).until(() -> a.get("/actuator/health").statusCode() == 503);
			HttpResponse<String> refused = a.postJson("/events", SampleClient.body(null, "refused"));
			SampleClient.assertProblem(refused, 503);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(stream.ended()).isFalse();
		}
		finally {
			redis.restart();
		}
		await().atMost(WAIT).until(() -> a.get("/actuator/health").statusCode() == 200);
		String id = a.broadcast(null, "after the outage");
		assertThat(stream.awaitEvents(before + 1).subList(before, before + 1)).extracting(EventStreamRecorder.Event::id)
			.containsExactly(id);
	}

	/**
	 * Sends the user pings through the server that holds its stream until one is accepted
	 * (the stream is registered then), waits until the stream received it, and returns
	 * how many events it has.
	 */
	private static int awaitRegistered(SampleClient server, EventStreamRecorder stream, String user) {
		HttpResponse<String> accepted = await().atMost(WAIT)
			.until(() -> server.postJson("/events/" + user, SampleClient.body(null, "ping")),
					(response) -> response.statusCode() == 202);
		String ping = SampleClient.acceptedId(accepted);
		await().atMost(WAIT).until(() -> stream.events().stream().anyMatch((event) -> ping.equals(event.id())));
		return stream.events().size();
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0", "--sse.cluster.type=redis",
				"--spring.data.redis.port=" + redis.port());
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
