package dev.eventstream.sse.health;

import dev.eventstream.sse.server.SseServer;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the SSE server: {@code UP} while it accepts connections, {@code OUT_OF_SERVICE} once it
 * is shutting down, with the numbers of connections and sources as details.
 *
 * @since 0.1.0
 */
public final class SseHealthIndicator extends AbstractHealthIndicator {

	private final SseServer<?> server;

	/**
	 * Creates an indicator for the given server.
	 * @param server the server
	 */
	public SseHealthIndicator(SseServer<?> server) {
		super("SSE health check failed");
		this.server = server;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.server.isOpen()) {
			builder.up();
		}
		else {
			builder.outOfService();
		}
		builder.withDetail("connections", this.server.connectionCount()).withDetail("sources", this.server.size());
	}

}
