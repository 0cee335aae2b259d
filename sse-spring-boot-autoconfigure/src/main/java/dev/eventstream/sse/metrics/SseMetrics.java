package dev.eventstream.sse.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.server.SseServerListener;
import dev.eventstream.sse.webmvc.StreamRefusalListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The meters of what an {@link dev.eventstream.sse.server.SseServer} publishes and
 * delivers: {@code sse.events.published} (tagged with the event name),
 * {@code sse.events.delivered}, {@code sse.replay.events}, {@code sse.queue.depth},
 * {@code sse.delivery.latency} and {@code sse.connections.refused} (tagged with the
 * {@code reason}). It is the server's {@link SseServerListener}, the transport's
 * {@link StreamRefusalListener} and a {@link MeterBinder}; what happens before it is
 * bound to a registry is not counted.
 *
 * @since 0.1.0
 * @see SseMetricsBinder
 */
public final class SseMetrics implements SseServerListener, StreamRefusalListener, MeterBinder {

	/** The tag value of events without a name, as a browser dispatches them. */
	private static final String DEFAULT_EVENT = "message";

	private volatile @Nullable Meters meters;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.meters = new Meters(registry);
	}

	@Override
	public void onPublished(@Nullable String event) {
		Meters meters = this.meters;
		if (meters != null) {
			meters.published((event != null) ? event : DEFAULT_EVENT).increment();
		}
	}

	@Override
	public void onQueued(int depth) {
		Meters meters = this.meters;
		if (meters != null) {
			meters.queueDepth.record(depth);
		}
	}

	@Override
	public void onReplayed(int frames) {
		Meters meters = this.meters;
		if (meters != null) {
			meters.replayed.increment(frames);
		}
	}

	@Override
	public void onDelivered(long publishedNanos) {
		Meters meters = this.meters;
		if (meters != null) {
			meters.delivered.increment();
			meters.latency.record(System.nanoTime() - publishedNanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void onRefused(String reason) {
		Meters meters = this.meters;
		if (meters != null) {
			meters.refused(reason).increment();
		}
	}

	private static final class Meters {

		private final MeterRegistry registry;

		private final Map<String, Counter> published = new ConcurrentHashMap<>();

		private final Map<String, Counter> refused = new ConcurrentHashMap<>();

		private final Counter delivered;

		private final Counter replayed;

		private final DistributionSummary queueDepth;

		private final Timer latency;

		Meters(MeterRegistry registry) {
			this.registry = registry;
			this.delivered = Counter.builder("sse.events.delivered")
				.description("Event frames written and flushed to connections, replays excluded")
				.baseUnit("events")
				.register(registry);
			this.replayed = Counter.builder("sse.replay.events")
				.description("Event frames replayed from history to reconnecting clients")
				.baseUnit("events")
				.register(registry);
			this.queueDepth = DistributionSummary.builder("sse.queue.depth")
				.description("Frames waiting for a connection when an event is queued on it, this one included")
				.baseUnit("frames")
				.register(registry);
			this.latency = Timer.builder("sse.delivery.latency")
				.description("Time from publishing an event to the flush of the write that carried it")
				.publishPercentileHistogram()
				.register(registry);
			for (String reason : List.of(StreamRefusalListener.MAX_CONNECTIONS,
					StreamRefusalListener.MAX_CONNECTIONS_PER_SOURCE, StreamRefusalListener.KICKED,
					StreamRefusalListener.SHUTDOWN)) {
				refused(reason);
			}
		}

		Counter published(String event) {
			Counter counter = this.published.get(event);
			return (counter != null) ? counter
					: this.published.computeIfAbsent(event,
							(name) -> Counter.builder("sse.events.published")
								.description("Events published, each counted once however many connections receive it")
								.baseUnit("events")
								.tag("event", name)
								.register(this.registry));
		}

		Counter refused(String reason) {
			Counter counter = this.refused.get(reason);
			return (counter != null) ? counter
					: this.refused.computeIfAbsent(reason,
							(name) -> Counter.builder("sse.connections.refused")
								.description("Stream requests refused before a stream started, by reason")
								.baseUnit("connections")
								.tag("reason", name)
								.register(this.registry));
		}

	}

}
