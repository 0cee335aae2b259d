package dev.eventstream.sse.webmvc;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.stream.IntStream;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of streams that connect and go away on a real server leave nothing behind: no
 * connection (in the server, in Tomcat or as an open socket), no source, no thread and no
 * heap. A client that goes away is found at the next write, so keep-alive is short here.
 *
 * <p>
 * Tomcat's caches of request processors and socket channels are off: they keep up to
 * hundreds of recycled objects of 50 to 100 KB each, as many as the last bursts left,
 * which would hide a leak of the same size or fake one. Its pool of request workers has a
 * fixed size, so that the live thread count has a steady state to return to. The
 * application context is closed after the class: no other test shares its settings.
 */
@DirtiesContext
@SpringBootTest(classes = { TestApplication.class, ConnectionChurnIntegrationTests.NoTomcatCaches.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		// A short presence grace: a source stays addressable for it after its last
		// connection, by design.
		properties = { "sse.keep-alive=200ms", "sse.presence.grace=50ms", "server.tomcat.processor-cache=0",
				"server.tomcat.threads.max=50", "server.tomcat.threads.min-spare=50" })
class ConnectionChurnIntegrationTests {

	private static final Log logger = LogFactory.getLog(ConnectionChurnIntegrationTests.class);

	// A stream that stayed reachable after it closed would keep about 1.1 KB (measured by
	// keeping every closed stream in a list): 500 cycles would grow the heap by some 550
	// KB, 5000 by 5.5 MB. Without Tomcat's caches, the heap after GC returns to within 50
	// KB after the warm-up.
	private static final long MAX_HEAP_GROWTH = 256 * 1024;

	// JDK-internal threads come and go (the common pool's, Awaitility's); one thread per
	// connection, or one that a closed stream never stopped, would exceed it by hundreds.
	private static final int THREAD_SLACK = 2;

	// The loopback client's selector and the JDK's own files.
	private static final int DESCRIPTOR_SLACK = 10;

	// The server whose warm-up is done, and its open file descriptors before any
	// connection: the test methods share one application context.
	private static int warmedUp;

	private static long idleDescriptors;

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Autowired
	private WebServerApplicationContext context;

	@RegisterExtension
	final LoopbackClient client = new LoopbackClient();

	/**
	 * Warms up the code, once per server, so that the cycles measured after it start from
	 * a steady state.
	 */
	@BeforeEach
	void warmUp() {
		if (warmedUp != this.port) {
			idleDescriptors = openDescriptors();
			connectAndDisconnectAtOnce("warm", 500);
			connectAndDisconnectOneByOne("warm", 500);
			warmedUp = this.port;
		}
	}

	@Test
	void sequentialConnectDisconnectCyclesLeaveNothingBehind() {
		Snapshot before = snapshot();
		connectAndDisconnectOneByOne("seq", 5000);
		assertNothingLeftBehind("5000 sequential", before, 5000);
	}

	@Test
	void parallelConnectDisconnectCyclesLeaveNothingBehind() {
		Snapshot before = snapshot();
		connectAndDisconnectAtOnce("par", 500);
		assertNothingLeftBehind("500 parallel", before, 500);
	}

	private void connectAndDisconnectOneByOne(String prefix, int cycles) {
		for (int i = 0; i < cycles; i++) {
			LoopbackClient.Stream stream = this.client.open("/rest/events?user=" + prefix + i);
			assertThat(stream.awaitStarted()).isEqualTo(200);
			stream.close();
		}
	}

	private void connectAndDisconnectAtOnce(String prefix, int cycles) {
		List<LoopbackClient.Stream> streams = IntStream.range(0, cycles)
			.mapToObj((i) -> this.client.open("/rest/events?user=" + prefix + i))
			.toList();
		for (LoopbackClient.Stream stream : streams) {
			assertThat(stream.awaitStarted()).isEqualTo(200);
		}
		assertThat(this.server.connectionCount()).isEqualTo(cycles);
		streams.forEach(LoopbackClient.Stream::close);
	}

	private void assertNothingLeftBehind(String what, Snapshot before, int cycles) {
		Snapshot after = snapshot();
		logger.info(what + " cycles: heap after GC " + kb(before.heap) + " KB -> " + kb(after.heap) + " KB, threads "
				+ before.threads + " -> " + after.threads + ", open files " + before.descriptors + " -> "
				+ after.descriptors + ", connections " + this.server.connectionCount() + ", sources "
				+ this.server.size());
		assertThat(after.clientCloses - before.clientCloses).as("cycles released as client closes").isEqualTo(cycles);
		assertThat(after.threads).as("live threads").isLessThanOrEqualTo(before.threads + THREAD_SLACK);
		assertThat(after.heap - before.heap).as("heap growth after GC").isLessThan(MAX_HEAP_GROWTH);
	}

	/**
	 * Waits until the server and Tomcat released every connection and their sockets are
	 * closed, then measures.
	 */
	private Snapshot snapshot() {
		// Tomcat counts its acceptor's next connection while it waits for it, hence one
		// when idle. A socket closed while registered with a selector stays open until
		// the selector's next turn (Tomcat's poller turns at least every second).
		await().atMost(LoopbackClient.WAIT).untilAsserted(() -> {
			assertThat(this.server.connectionCount()).as("connections").isZero();
			assertThat(this.server.size()).as("sources").isZero();
			assertThat(LoopbackClient.serverConnections(this.context)).as("Tomcat's connections").isOne();
			assertThat(openDescriptors()).as("open files").isLessThanOrEqualTo(idleDescriptors + DESCRIPTOR_SLACK);
		});
		return new Snapshot(usedHeapAfterGc(), ManagementFactory.getThreadMXBean().getThreadCount(), openDescriptors(),
				this.server.closedConnections(CloseReason.CLIENT));
	}

	private static long openDescriptors() {
		return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	private static long kb(long bytes) {
		return bytes / 1024;
	}

	@Configuration(proxyBeanMethods = false)
	static class NoTomcatCaches {

		@Bean
		TomcatConnectorCustomizer noSocketChannelCache() {
			return (connector) -> connector.setProperty("socket.bufferPool", "0");
		}

	}

	private record Snapshot(long heap, int threads, long descriptors, long clientCloses) {
	}

}
