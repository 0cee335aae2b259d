package dev.eventstream.sse.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.CloseReason;
import dev.eventstream.sse.server.SseServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void ignoresEventsUntilBound() {
		SseMetrics metrics = new SseMetrics();
		metrics.onPublished("tick");
		metrics.onQueued(3);
		metrics.onReplayed(2);
		metrics.onDelivered(System.nanoTime());
		metrics.bindTo(this.registry);
		assertThat(this.registry.get("sse.events.delivered").counter().count()).isZero();
		assertThat(this.registry.get("sse.replay.events").counter().count()).isZero();
		assertThat(this.registry.get("sse.queue.depth").summary().count()).isZero();
		assertThat(this.registry.get("sse.delivery.latency").timer().count()).isZero();
		assertThat(this.registry.find("sse.events.published").counters()).isEmpty();
	}

	@Test
	void recordsEachCallback() {
		SseMetrics metrics = new SseMetrics();
		metrics.bindTo(this.registry);
		metrics.onPublished("tick");
		metrics.onPublished("tick");
		metrics.onPublished(null);
		metrics.onQueued(1);
		metrics.onQueued(4);
		metrics.onReplayed(7);
		metrics.onDelivered(System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(5));
		assertThat(this.registry.get("sse.events.published").tag("event", "tick").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("sse.events.published").tag("event", "message").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("sse.queue.depth").summary().count()).isEqualTo(2);
		assertThat(this.registry.get("sse.queue.depth").summary().max()).isEqualTo(4);
		assertThat(this.registry.get("sse.replay.events").counter().count()).isEqualTo(7);
		assertThat(this.registry.get("sse.events.delivered").counter().count()).isEqualTo(1);
		Timer latency = this.registry.get("sse.delivery.latency").timer();
		assertThat(latency.count()).isEqualTo(1);
		assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(5);
	}

	@Test
	void publishesLatencyHistogramForPercentiles() {
		List<DistributionStatisticConfig> configs = new ArrayList<>();
		this.registry.config().meterFilter(new MeterFilter() {

			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				if (id.getName().equals("sse.delivery.latency")) {
					configs.add(config);
				}
				return config;
			}

		});
		new SseMetrics().bindTo(this.registry);
		assertThat(configs).singleElement().satisfies((config) -> assertThat(config.isPercentileHistogram()).isTrue());
	}

	@Test
	void tagsOnlyEventNamesAndCloseReasons() {
		SseMetrics metrics = new SseMetrics();
		metrics.bindTo(this.registry);
		try (SseServer<String> server = SseServer.<String>builder().listener(metrics).build()) {
			server.start();
			new SseMetricsBinder(server).bindTo(this.registry);
			server.connect("user-42", null);
			server.broadcast(SseEvent.of("tick", "1"));
			assertThat(this.registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
				.allSatisfy((tag) -> assertThat(tag.getKey()).isIn("event", "reason")));
			assertThat(this.registry.get("sse.connections.closed").functionCounters())
				.hasSize(CloseReason.values().length);
			assertThat(this.registry.get("sse.connections.closed").tag("reason", "overflow").functionCounter().count())
				.isZero();
			assertThat(this.registry.get("sse.events.published").tag("event", "tick").counter().count()).isEqualTo(1);
		}
	}

}
