package dev.eventstream.sse.autoconfigure;

import java.util.List;

import dev.eventstream.sse.server.SseServer;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the application's {@link SseServer}s with the application context and stops them
 * with it: when the application shuts down, every stream ends cleanly before the web
 * server's graceful shutdown waits for in-flight requests, which open streams would
 * otherwise hold until its timeout. A context that is paused (as the test framework does
 * with cached contexts) and started again gets running servers back.
 *
 * @since 0.1.0
 */
public final class SseServerLifecycle implements SmartLifecycle {

	private final List<SseServer<?>> servers;

	private volatile boolean running;

	SseServerLifecycle(List<SseServer<?>> servers) {
		this.servers = servers;
	}

	@Override
	public void start() {
		this.servers.forEach(SseServer::start);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.servers.forEach(SseServer::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Higher phases stop first: this one stops just before the web server's graceful
		// shutdown (WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE) begins.
		return SmartLifecycle.DEFAULT_PHASE - 1024 + 1;
	}

}
