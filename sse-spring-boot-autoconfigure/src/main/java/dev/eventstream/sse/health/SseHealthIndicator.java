package dev.eventstream.sse.health;

import java.util.Optional;

import dev.eventstream.sse.server.SseServer;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the SSE server: {@code UP} while it accepts connections,
 * {@code OUT_OF_SERVICE} once it is shutting down, and {@code DOWN} while the cluster it
 * publishes through cannot be reached; with the numbers of connections and sources, and
 * the cluster's state when there is one, as details.
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
		Optional<Boolean> clusterAvailable = this.server.clusterAvailable();
		if (!this.server.isRunning()) {
			builder.outOfService();
		}
		else if (clusterAvailable.orElse(true)) {
			builder.up();
		}
		else {
			builder.down();
		}
		clusterAvailable
			.ifPresent((available) -> builder.withDetail("cluster", available ? "available" : "unreachable"));
		builder.withDetail("connections", this.server.connectionCount()).withDetail("sources", this.server.size());
	}

}
