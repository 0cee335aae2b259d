package dev.eventstream.sse.webmvc;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.client.EventQueue;
import dev.eventstream.sse.client.SseClient;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The project's own client against the project's server on a real Tomcat: receiving,
 * reconnecting with {@code Last-Event-ID} after the server drops the connection or
 * restarts, and replay.
 */
class SseClientIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@Test
	void receivesEventsInOrder() throws Exception {
		EventQueue events = new EventQueue();
		try (ConfigurableApplicationContext context = start(0); SseClient client = connect(context, "ann", events)) {
			SseServer<String> server = server(context);
			awaitConnected(server, "ann", client);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				ids.add(server.broadcast(SseEvent.of("news", "item " + i)));
			}
			for (int i = 0; i < 3; i++) {
				SseEvent event = events.next(WAIT);
				assertThat(event).isEqualTo(new SseEvent(ids.get(i), "news", "item " + i, null, null));
			}
			assertThat(client.readyState()).isEqualTo(SseClient.ReadyState.OPEN);
		}
	}

	@Test
	void reconnectsAfterServerDropsConnectionAndReceivesWhatItMissedOnce() throws Exception {
		EventQueue events = new EventQueue();
		try (ConfigurableApplicationContext context = start(0); SseClient client = connect(context, "bob", events)) {
			SseServer<String> server = server(context);
			awaitConnected(server, "bob", client);
			String before = server.broadcast(SseEvent.of("before drop"));
			assertThat(events.next(WAIT).id()).isEqualTo(before);
			server.get("bob").orElseThrow().reconnect();
			await().atMost(WAIT).until(() -> server.get("bob").isEmpty());
			List<String> missed = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				missed.add(server.broadcast(SseEvent.of("while away " + i)));
			}
			await().atMost(WAIT).until(() -> server.get("bob").isPresent());
			String live = server.broadcast(SseEvent.of("live"));
			List<String> received = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				received.add(events.next(WAIT).id());
			}
			List<String> expected = new ArrayList<>(missed);
			expected.add(live);
			assertThat(received).containsExactlyElementsOf(expected);
			assertThat(server.get("bob").orElseThrow().lastEventId()).isEqualTo(live);
		}
	}

	@Test
	void reconnectsAfterServerRestartsOnSamePort() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		EventQueue events = new EventQueue();
		ConfigurableApplicationContext first = start(port);
		try (SseClient client = connect(first, "cat", events)) {
			awaitConnected(server(first), "cat", client);
			String old = server(first).broadcast(SseEvent.of("from the first server"));
			assertThat(events.next(WAIT).id()).isEqualTo(old);
			first.close();
			try (ConfigurableApplicationContext second = start(port)) {
				SseServer<String> server = server(second);
				await().atMost(WAIT).until(() -> server.get("cat").isPresent());
				// The new server never issued the client's id: it says so, then goes on
				// live.
				SseEvent missed = events.next(WAIT);
				assertThat(missed.event()).isEqualTo("missed");
				assertThat(server.get("cat").orElseThrow().lastEventId()).isEqualTo(old);
				String live = server.broadcast(SseEvent.of("from the second server"));
				assertThat(events.next(WAIT).id()).isEqualTo(live);
			}
		}
		finally {
			first.close();
		}
	}

	private static ConfigurableApplicationContext start(int port) {
		return new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=" + port, "sse.retry=200ms", "spring.main.banner-mode=off")
			.run();
	}

	@SuppressWarnings("unchecked")
	private static SseServer<String> server(ConfigurableApplicationContext context) {
		return context.getBean(SseServer.class);
	}

	private static SseClient connect(ConfigurableApplicationContext context, String user, EventQueue events) {
		String port = context.getEnvironment().getProperty("local.server.port");
		SseClient client = SseClient.builder(URI.create("http://127.0.0.1:" + port + "/rest/events?user=" + user))
			.listener(events)
			.build();
		client.connect();
		return client;
	}

	private static void awaitConnected(SseServer<String> server, String user, SseClient client) {
		await().atMost(WAIT).until(() -> server.get(user).isPresent());
		await().atMost(WAIT).until(() -> client.readyState() == SseClient.ReadyState.OPEN);
	}

}
