package dev.eventstream.sse.metrics;

import java.util.Locale;

import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The meters of an {@link SseServer}'s state: the gauges {@code sse.connections} and
 * {@code sse.sources}, and the counter {@code sse.connections.closed} tagged with the
 * {@code reason} (client, overflow, shutdown, server or lifetime).
 *
 * @since 0.1.0
 * @see SseMetrics
 */
public final class SseMetricsBinder implements MeterBinder {

	private final SseServer<?> server;

	/**
	 * Creates a binder for the given server.
	 * @param server the server
	 */
	public SseMetricsBinder(SseServer<?> server) {
		this.server = server;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sse.connections", this.server, SseServer::connectionCount)
			.description("Open event-stream connections")
			.baseUnit("connections")
			.register(registry);
		Gauge.builder("sse.sources", this.server, SseServer::size)
			.description("Sources with at least one open connection")
			.baseUnit("sources")
			.register(registry);
		Gauge.builder("sse.topics", this.server, (server) -> server.topicConnections().size())
			.description("Topics with at least one open connection on this instance")
			.baseUnit("topics")
			.register(registry);
		for (CloseReason reason : CloseReason.values()) {
			FunctionCounter.builder("sse.connections.closed", this.server, (server) -> server.closedConnections(reason))
				.description("Connections closed, by reason")
				.baseUnit("connections")
				.tag("reason", reason.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
	}

}
