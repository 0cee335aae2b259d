package dev.eventstream.sse.server;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogTextTests {

	@RegisterExtension
	final TestServers servers = new TestServers();

	@Test
	void keepsShortTextAsItIs() {
		assertThat(LogText.of("alice")).isEqualTo("alice");
		assertThat(LogText.of("x".repeat(LogText.MAX_LENGTH))).hasSize(LogText.MAX_LENGTH);
		assertThat(LogText.of(null)).isEqualTo("null");
	}

	@Test
	void cutsLongTextAndStatesItsLength() {
		assertThat(LogText.of("x".repeat(1_000_000))).isEqualTo("x".repeat(LogText.MAX_LENGTH) + "... (1000000 chars)");
	}

	@Test
	void sourceWithMegabyteIdConnectsReceivesAndClosesWithBoundedDebugLines() {
		Logger logger = Logger.getLogger("dev.eventstream.sse.server");
		Level level = logger.getLevel();
		List<String> messages = new ArrayList<>();
		Handler handler = new Handler() {

			@Override
			public void publish(LogRecord record) {
				synchronized (messages) {
					messages.add(record.getMessage());
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		logger.setLevel(Level.ALL);
		logger.addHandler(handler);
		try {
			String hugeId = "u".repeat(1_000_000);
			SseServer<String> server = this.servers.start();
			TestConnection connection = TestConnection.open(server, hugeId);
			String id = server.send(hugeId, SseEvent.of("for the huge id")).orElseThrow();
			assertThat(connection.awaitEvents(1)).extracting(RecordedFrame::id).containsExactly(id);
			server.get(hugeId).orElseThrow().close();
			// The close is logged after the connection count drops: wait for the line
			// itself.
			await().atMost(TestConnection.TIMEOUT).until(() -> {
				synchronized (messages) {
					return messages.stream().anyMatch((message) -> message.startsWith("Closed uuu"));
				}
			});
			synchronized (messages) {
				assertThat(messages).anySatisfy((message) -> assertThat(message).startsWith("Connected uuu"));
				assertThat(messages).allSatisfy((message) -> assertThat(message).hasSizeLessThan(1_000));
			}
		}
		finally {
			logger.removeHandler(handler);
			logger.setLevel(level);
		}
	}

}
