package dev.eventstream.sse.webmvc;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many clients that closed their sockets at once, on a real server, are released by the
 * next two broadcasts: the first write to a closed peer is accepted by the kernel and
 * answered with a reset, so the second fails. Also when the second broadcast is queued
 * before the first was written, as it is when both are published back to back: the first
 * event after a quiet while goes out in a write of its own. Keep-alive is off, so that
 * only the broadcasts write.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sse.keep-alive=0s")
class DeadClientsIntegrationTests {

	private static final Log logger = LogFactory.getLog(DeadClientsIntegrationTests.class);

	// More with -Dsse.test.dead-clients=2000, to measure.
	private static final int CLIENTS = Integer.getInteger("sse.test.dead-clients", 500);

	// Each release is a failed write and a completed request: cheap work, well under a
	// second for 500 even on a loaded machine; a release that waited on something per
	// connection would not be.
	private static final Duration RELEASED_WITHIN = Duration.ofSeconds(5);

	// Longer than the second a stream must have been idle for its next event to be
	// written on its own.
	private static final Duration QUIET = Duration.ofMillis(1500);

	// How long after the first broadcast was flushed the second comes: the resets the
	// first writes provoked have arrived by then, also on a loaded machine, where the
	// kernel may process them late. (Back to back is the other test's case.)
	private static final Duration RESETS_ARRIVE = Duration.ofMillis(500);

	@Autowired
	private SseServer<String> server;

	@Autowired
	private MeterRegistry registry;

	@RegisterExtension
	final LoopbackClient client = new LoopbackClient();

	@Test
	void twoBroadcastsReleaseClientsThatClosed() throws InterruptedException {
		List<LoopbackClient.Stream> streams = openStreams("dead");
		long closedBefore = this.server.closedConnections(CloseReason.CLIENT);
		streams.forEach(LoopbackClient.Stream::close);
		this.client.awaitSelection();
		double deliveredBefore = delivered();
		long first = System.nanoTime();
		this.server.broadcast(SseEvent.of("first"));
		// Flushed, or failed, on every stream before the second is published, so that
		// no stream writes both in one flush: an empty queue is not enough, a writer
		// thread may have taken the first but not flushed it yet.
		await().atMost(RELEASED_WITHIN)
			.until(() -> delivered() - deliveredBefore + this.server.closedConnections(CloseReason.CLIENT)
					- closedBefore >= CLIENTS);
		long written = System.nanoTime();
		int afterFirst = this.server.connectionCount();
		Thread.sleep(RESETS_ARRIVE.toMillis());
		long second = System.nanoTime();
		this.server.broadcast(SseEvent.of("second"));
		await().atMost(LoopbackClient.WAIT).until(() -> this.server.connectionCount() == 0);
		Duration released = Duration.ofNanos(System.nanoTime() - second);
		logger.info(CLIENTS + " dead clients: first broadcast written in " + (written - first) / 1_000_000 + " ms ("
				+ (CLIENTS - afterFirst) + " released by it), all released " + released.toMillis()
				+ " ms after the second");
		assertThat(released).isLessThan(RELEASED_WITHIN);
		assertThat(this.server.closedConnections(CloseReason.CLIENT) - closedBefore).isEqualTo(CLIENTS);
	}

	@Test
	void twoBroadcastsBackToBackReleaseClientsThatClosedAfterAQuietWhile() {
		List<LoopbackClient.Stream> streams = openStreams("quiet");
		await().during(QUIET)
			.atMost(QUIET.plus(RELEASED_WITHIN))
			.until(() -> streams.stream().noneMatch(LoopbackClient.Stream::ended));
		long closedBefore = this.server.closedConnections(CloseReason.CLIENT);
		streams.forEach(LoopbackClient.Stream::close);
		this.client.awaitSelection();
		long first = System.nanoTime();
		this.server.broadcast(SseEvent.of("first"));
		this.server.broadcast(SseEvent.of("second"));
		await().atMost(RELEASED_WITHIN).until(() -> this.server.connectionCount() == 0);
		logger.info(CLIENTS + " dead clients, two broadcasts back to back: all released "
				+ (System.nanoTime() - first) / 1_000_000 + " ms after the first");
		assertThat(this.server.closedConnections(CloseReason.CLIENT) - closedBefore).isEqualTo(CLIENTS);
	}

	/** Opens {@link #CLIENTS} streams, one per user of the given prefix, all started. */
	private List<LoopbackClient.Stream> openStreams(String userPrefix) {
		List<LoopbackClient.Stream> streams = IntStream.range(0, CLIENTS)
			.mapToObj((i) -> this.client.open("/rest/events?user=" + userPrefix + i))
			.toList();
		for (LoopbackClient.Stream stream : streams) {
			assertThat(stream.awaitStarted()).isEqualTo(200);
		}
		assertThat(this.server.connectionCount()).isEqualTo(CLIENTS);
		return streams;
	}

	/** Returns how many events were flushed to a connection, by the metrics. */
	private double delivered() {
		Counter delivered = this.registry.find("sse.events.delivered").counter();
		return (delivered != null) ? delivered.count() : 0;
	}

}
