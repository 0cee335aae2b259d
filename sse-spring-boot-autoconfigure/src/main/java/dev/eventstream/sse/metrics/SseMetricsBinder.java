package dev.eventstream.sse.metrics;

import dev.eventstream.sse.server.SseServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the SSE server's meters: {@code sse.connections} (open connections) and {@code sse.sources}
 * (connected sources).
 *
 * @since 0.1.0
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
	}

}
