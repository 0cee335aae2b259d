package dev.eventstream.sse.autoconfigure.webmvc;

import dev.eventstream.sse.server.SseServer;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Closes every stream cleanly when the application stops, before the web server's graceful shutdown
 * waits for in-flight requests, which open streams would otherwise hold until its timeout.
 *
 * @since 0.1.0
 */
public final class SseServerLifecycle implements SmartLifecycle {

	private final SseServer<?> server;

	private volatile boolean running;

	SseServerLifecycle(SseServer<?> server) {
		this.server = server;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.server.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Higher phases stop first: this one stops just before graceful shutdown begins.
		return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 1;
	}

}
