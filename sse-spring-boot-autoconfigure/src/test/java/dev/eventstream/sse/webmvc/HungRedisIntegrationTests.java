package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.redis.RedisServer;
import dev.eventstream.sse.server.ClusterUnavailableException;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application on a random port, clustered through a real {@code redis-server} that
 * hangs ({@code SIGSTOP}) for a few seconds while 50 clients keep publishing: each
 * publish fails with {@code 503} within about {@code sse.cluster.redis.timeout} instead
 * of holding its request thread until Redis answers, health answers promptly with
 * {@code DOWN}, and once Redis resumes publishing works again and the stream keeps
 * delivering. The bounds are generous: the machine may be busy.
 */
class HungRedisIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration FREEZE = Duration.ofSeconds(6);

	// A call that waited for the timeout, with room for a busy machine.
	private static final Duration BOUND = TIMEOUT.plusSeconds(3);

	private static final int PUBLISHERS = 50;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void publishesFailFastAndHealthIsDownWhileRedisHangs() throws IOException {
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class,
						PublishController.class)
					.properties("server.port=0", "sse.keep-alive=500ms", "sse.cluster.type=redis",
							"sse.cluster.redis.timeout=" + TIMEOUT.toMillis() + "ms",
							"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
							"management.endpoints.web.exposure.include=health",
							"management.endpoint.health.show-details=always")
					.run()) {
			int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			EventStreamRecorder stream = EventStreamRecorder
				.open(URI.create("http://127.0.0.1:" + port + "/rest/events?user=ann"));
			List<Outcome> publishes = new CopyOnWriteArrayList<>();
			List<Outcome> probes = new CopyOnWriteArrayList<>();
			ScheduledExecutorService publishers = Executors.newScheduledThreadPool(PUBLISHERS);
			ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor();
			try {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> stream.eventCount() == 0 && !stream.ended()
							&& context.getBean(SseServer.class).connectionCount() == 1);
				for (int i = 0; i < PUBLISHERS; i++) {
					publishers.scheduleWithFixedDelay(() -> publishes.add(call(post(port, "/publish"))), 0, 100,
							TimeUnit.MILLISECONDS);
				}
				await().atMost(Duration.ofSeconds(20)).until(() -> count(publishes, 202) >= PUBLISHERS);

				redis.freeze();
				long frozen = System.nanoTime();
				prober.scheduleWithFixedDelay(() -> probes.add(call(get(port, "/actuator/health/sse"))), 0, 200,
						TimeUnit.MILLISECONDS);
				long resumed;
				try {
					await().atMost(FREEZE.plusSeconds(5))
						.until(() -> System.nanoTime() - frozen >= FREEZE.toNanos() && count(probes, 503) > 0);
				}
				finally {
					redis.resume();
					resumed = System.nanoTime();
				}

				await().atMost(Duration.ofSeconds(10))
					.until(() -> publishes.stream()
						.anyMatch((outcome) -> outcome.start() > resumed && outcome.status() == 202)
							&& call(get(port, "/actuator/health/sse")).status() == 200);
				publishers.shutdown();
				prober.shutdown();
				assertThat(publishers.awaitTermination(20, TimeUnit.SECONDS)).isTrue();

				long bound = BOUND.toNanos();
				List<Outcome> duringFreeze = publishes.stream()
					.filter((outcome) -> outcome.start() > frozen && outcome.start() < resumed - bound)
					.toList();
				assertThat(duringFreeze).hasSizeGreaterThan(PUBLISHERS)
					.allSatisfy((outcome) -> assertThat(outcome.status()).isEqualTo(503))
					.allSatisfy((outcome) -> assertThat(outcome.nanos()).isLessThan(bound));
				List<Outcome> healthWhileDown = probes.stream()
					.filter((probe) -> probe.start() > frozen + bound && probe.start() < resumed)
					.toList();
				assertThat(healthWhileDown).isNotEmpty()
					.allSatisfy((probe) -> assertThat(probe.status()).isEqualTo(503))
					.allSatisfy((probe) -> assertThat(probe.body()).contains("\"DOWN\"", "\"unreachable\""))
					.allSatisfy((probe) -> assertThat(probe.nanos()).isLessThan(TimeUnit.SECONDS.toNanos(2)));

				int received = stream.eventCount();
				HttpResponse<String> after = this.http.send(post(port, "/publish"),
						HttpResponse.BodyHandlers.ofString());
				assertThat(after.statusCode()).isEqualTo(202);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> stream.events()
						.stream()
						.skip(received)
						.anyMatch((event) -> event.id().equals(after.body())));
				assertThat(stream.ended()).isFalse();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			finally {
				publishers.shutdownNow();
				prober.shutdownNow();
				stream.close();
			}
		}
	}

	private Outcome call(HttpRequest request) {
		long start = System.nanoTime();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return new Outcome(start, System.nanoTime() - start, response.statusCode(), response.body());
		}
		catch (IOException ex) {
			return new Outcome(start, System.nanoTime() - start, -1, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Outcome(start, System.nanoTime() - start, -1, ex.toString());
		}
	}

	private static HttpRequest post(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString("tick"))
			.build();
	}

	private static HttpRequest get(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build();
	}

	private static long count(List<Outcome> outcomes, int status) {
		return outcomes.stream().filter((outcome) -> outcome.status() == status).count();
	}

	record Outcome(long start, long nanos, int status, String body) {
	}

	@RestController
	static class PublishController {

		private final SseServer<String> server;

		PublishController(SseServer<String> server) {
			this.server = server;
		}

		@PostMapping("/publish")
		ResponseEntity<String> publish(@RequestBody String data) {
			return ResponseEntity.accepted().body(this.server.broadcast(SseEvent.of(data)));
		}

		@ExceptionHandler(ClusterUnavailableException.class)
		ResponseEntity<String> unavailable(ClusterUnavailableException ex) {
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(ex.getMessage());
		}

	}

}
