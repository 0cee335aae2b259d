package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts servers for a test, without keep-alive and with two writer threads unless
 * customized, and closes them after it.
 */
final class TestServers implements AfterEachCallback {

	private final List<SseServer<String>> started = new ArrayList<>();

	SseServer<String> start() {
		return start((builder) -> {
		});
	}

	SseServer<String> start(Consumer<SseServer.Builder<String>> customizer) {
		SseServer.Builder<String> builder = SseServer.<String>builder()
			.keepAlive(Duration.ZERO)
			.writerThreads(2)
			.shutdownTimeout(Duration.ofSeconds(5));
		customizer.accept(builder);
		SseServer<String> server = builder.build();
		server.start();
		this.started.add(server);
		return server;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.started.forEach(SseServer::close);
		this.started.clear();
	}

}
