package dev.eventstream.sse.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

class ServerEventTests {

	private static final List<String> SOURCES = List.of("alice", "bob", "carol");

	private final AtomicInteger marshalled = new AtomicInteger();

	private final Function<Object, String> countingMarshaller = (payload) -> {
		this.marshalled.incrementAndGet();
		return "{\"value\":\"" + payload + "\"}";
	};

	private SseServer<String> server;

	private final Map<String, List<TestConnection>> connections = new LinkedHashMap<>();

	@BeforeEach
	void startServer() {
		this.server = SseServer.<String>builder()
			.keepAlive(Duration.ZERO)
			.writerThreads(2)
			.marshaller(this.countingMarshaller)
			.build();
		this.server.start();
	}

	@AfterEach
	void closeServer() {
		this.server.close();
	}

	private void connectTwoTabsPerSource() {
		for (String source : SOURCES) {
			List<TestConnection> tabs = new ArrayList<>();
			tabs.add(TestConnection.open(this.server.connect(source, null)));
			tabs.add(TestConnection.open(this.server.connect(source, null)));
			this.connections.put(source, tabs);
		}
	}

	private List<TestConnection> allConnections() {
		return this.connections.values().stream().flatMap(List::stream).toList();
	}

	@Test
	void sendMarshalsAndEncodesOnceForEveryConnection() {
		connectTwoTabsPerSource();
		ServerEvent<String> price = this.server.newEvent("price");
		String id = price.send("42");
		assertThat(this.marshalled).hasValue(1);
		byte[] frame = null;
		for (TestConnection connection : allConnections()) {
			assertThat(connection.awaitEvents(1))
				.containsExactly(new RecordedFrame(id, "price", "{\"value\":\"42\"}", null, null));
			byte[] written = connection.writes().get(connection.writes().size() - 1);
			if (frame == null) {
				frame = written;
			}
			// One frame array shared by every connection: encoded once, never copied.
			assertThat(written).isSameAs(frame);
		}
		assertThat(new String(frame, StandardCharsets.UTF_8))
			.isEqualTo("event: price\nid: " + id + "\ndata: {\"value\":\"42\"}\n\n");
	}

	@Test
	void perSourceSendMarshalsOncePerSource() {
		connectTwoTabsPerSource();
		ServerEvent<String> greeting = this.server.newEvent("greeting");
		String id = greeting.send((source, lastEventId) -> "hello " + source);
		assertThat(this.marshalled).hasValue(3);
		this.connections.forEach((source, tabs) -> {
			for (TestConnection tab : tabs) {
				assertThat(tab.awaitEvents(1)).containsExactly(
						new RecordedFrame(id, "greeting", "{\"value\":\"hello " + source + "\"}", null, null));
			}
			// The two tabs of one source share one frame.
			assertThat(lastWrite(tabs.get(0))).isSameAs(lastWrite(tabs.get(1)));
		});
	}

	private static byte[] lastWrite(TestConnection connection) {
		List<byte[]> writes = connection.writes();
		return writes.get(writes.size() - 1);
	}

	@Test
	void perSourcePayloadSeesSourceIdAndLastEventId() {
		String before = this.server.broadcast(SseEvent.of("before anyone connected"));
		TestConnection.open(this.server.connect("fresh", null));
		TestConnection.open(this.server.connect("returning", before));
		ServerEvent<String> event = this.server.newEvent("status");
		Map<String, String> seen = new LinkedHashMap<>();
		String first = event.send((source, lastEventId) -> {
			seen.put(source, String.valueOf(lastEventId));
			return "ok";
		});
		assertThat(seen).containsOnly(Map.entry("fresh", "null"), Map.entry("returning", before));
		seen.clear();
		event.send((source, lastEventId) -> {
			seen.put(source, lastEventId);
			return "ok";
		});
		assertThat(seen).containsOnly(Map.entry("fresh", first), Map.entry("returning", first));
	}

	@Test
	void perSourceEventReachesClientThatReconnectedWhilePayloadsWereComputed() {
		TestConnection alice = TestConnection.open(this.server.connect("alice", null));
		AtomicReference<TestConnection> reconnected = new AtomicReference<>();
		ServerEvent<String> event = this.server.newEvent("status");
		String id = event.send((source, lastEventId) -> {
			if (reconnected.get() == null) {
				// Computing a payload takes time (a database, say): the client reconnects
				// meanwhile.
				alice.disconnect();
				reconnected.set(TestConnection.open(this.server.connect("alice", lastEventId)));
			}
			return "for " + source;
		});
		String barrier = this.server.broadcast(SseEvent.of("barrier"));
		assertThat(reconnected.get().awaitEvents(1)).extracting(RecordedFrame::id).last().isEqualTo(barrier);
		assertThat(reconnected.get().eventIds()).containsExactly(id, barrier);
		assertThat(this.server.get("alice").orElseThrow().lastEventId()).isEqualTo(barrier);
	}

	@Test
	void marshallingFailureForOneSourceNamesItAfterOthersReceivedEvent() {
		connectTwoTabsPerSource();
		IllegalStateException failure = new IllegalStateException("cannot marshal bob's payload");
		ServerEvent<String> event = this.server.newEvent("status", (payload) -> {
			if (payload.equals("for bob")) {
				throw failure;
			}
			return payload.toString();
		});
		MarshallingException ex = assertThatExceptionOfType(MarshallingException.class)
			.isThrownBy(() -> event.send((source, lastEventId) -> "for " + source))
			.actual();
		assertThat(ex.failedSources()).containsExactly("bob");
		assertThat(ex.getCause()).isSameAs(failure);
		assertThat(ex.getMessage()).contains(ex.eventId());
		String barrier = this.server.broadcast(SseEvent.of("barrier"));
		for (String source : List.of("alice", "carol")) {
			for (TestConnection tab : this.connections.get(source)) {
				assertThat(tab.awaitEvents(2)).containsExactly(
						new RecordedFrame(ex.eventId(), "status", "for " + source, null, null),
						new RecordedFrame(barrier, null, "barrier", null, null));
			}
		}
		for (TestConnection tab : this.connections.get("bob")) {
			assertThat(tab.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(barrier);
		}
	}

	@Test
	void payloadFunctionFailureForSeveralSourcesListsEachAndKeepsEveryCause() {
		connectTwoTabsPerSource();
		ServerEvent<String> event = this.server.newEvent("status");
		MarshallingException ex = assertThatExceptionOfType(MarshallingException.class)
			.isThrownBy(() -> event.send((source, lastEventId) -> {
				if (!source.equals("alice")) {
					throw new IllegalArgumentException("no payload for " + source);
				}
				return "for alice";
			}))
			.actual();
		assertThat(ex.failedSources()).containsExactlyInAnyOrder("bob", "carol");
		assertThat(ex.getSuppressed()).hasSize(1);
		assertThat(this.connections.get("alice").get(0).awaitEvents(1)).extracting(RecordedFrame::id)
			.containsExactly(ex.eventId());
	}

	@Test
	void sendToTargetsOneSource() {
		connectTwoTabsPerSource();
		ServerEvent<String> event = this.server.newEvent("private");
		String id = event.sendTo("bob", "secret").orElseThrow();
		assertThat(this.marshalled).hasValue(1);
		String barrier = this.server.broadcast(SseEvent.of("barrier"));
		for (TestConnection tab : this.connections.get("bob")) {
			assertThat(tab.awaitEvents(2)).containsExactly(
					new RecordedFrame(id, "private", "{\"value\":\"secret\"}", null, null),
					new RecordedFrame(barrier, null, "barrier", null, null));
		}
		for (String source : List.of("alice", "carol")) {
			for (TestConnection tab : this.connections.get(source)) {
				assertThat(tab.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(barrier);
			}
		}
	}

	@Test
	void sendToUnknownSourceReturnsEmpty() {
		connectTwoTabsPerSource();
		assertThat(this.server.newEvent("private").sendTo("nobody", "secret")).isEmpty();
	}

	@Test
	void emptyNameSendsDefaultMessageType() {
		connectTwoTabsPerSource();
		ServerEvent<String> message = this.server.newEvent("", String::valueOf);
		assertThat(message.name()).isNull();
		String id = message.send("plain");
		TestConnection connection = this.connections.get("alice").get(0);
		connection.awaitEvents(1);
		assertThat(connection.text()).endsWith("\n\nid: " + id + "\ndata: plain\n\n");
	}

	@Test
	void multiLineMarshalledPayloadBecomesSeveralDataLines() {
		connectTwoTabsPerSource();
		String id = this.server.newEvent("doc", (payload) -> "line 1\nline 2\r\nline 3").send("x");
		TestConnection connection = this.connections.get("carol").get(1);
		assertThat(connection.awaitEvents(1))
			.containsExactly(new RecordedFrame(id, "doc", "line 1\nline 2\nline 3", null, null));
		assertThat(connection.text()).endsWith("data: line 1\ndata: line 2\ndata: line 3\n\n");
	}

	@Test
	void rejectsNameThatWouldBreakFraming() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.server.newEvent("a\nb"))
			.withMessage("'event' must not contain CR or LF");
	}

	@Test
	void rejectsCarriageReturnInNameWithEitherMarshaller() {
		for (String name : new String[] { "a\rb", "a\r\nb", "a\nb" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> this.server.newEvent(name))
				.withMessage("'event' must not contain CR or LF");
			assertThatIllegalArgumentException().isThrownBy(() -> this.server.newEvent(name, String::valueOf))
				.withMessage("'event' must not contain CR or LF");
		}
	}

	@Test
	void marshallerFailureFailsThePublishAndSendsNothing() {
		connectTwoTabsPerSource();
		IllegalStateException failure = new IllegalStateException("cannot marshal");
		ServerEvent<String> broken = this.server.newEvent("broken", (payload) -> {
			throw failure;
		});
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> broken.send("x")).isSameAs(failure);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> broken.sendTo("bob", "x"))
			.isSameAs(failure);
		// Other events and every source are unaffected: the next event is each
		// connection's first.
		String next = this.server.newEvent("fine").send("ok");
		for (TestConnection tab : allConnections()) {
			assertThat(tab.awaitEvents(1)).extracting(RecordedFrame::id, RecordedFrame::event)
				.containsExactly(tuple(next, "fine"));
		}
		assertThat(this.server.connectionCount()).isEqualTo(6);
	}

}
