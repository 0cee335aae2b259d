package dev.eventstream.sse.autoconfigure.metrics;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.autoconfigure.SseServerCustomizer;
import dev.eventstream.sse.metrics.SseMetrics;
import dev.eventstream.sse.metrics.SseMetricsBinder;
import dev.eventstream.sse.server.SseServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the SSE meters, when Micrometer is present. The auto-configured
 * server gets {@link SseMetrics} as a listener through an {@link SseServerCustomizer}:
 * customizers are looked up when the server bean is created, after every
 * auto-configuration registered its beans.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnSingleCandidate(SseServer.class)
public final class SseMetricsAutoConfiguration {

	SseMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	SseMetricsBinder sseMetricsBinder(SseServer<?> server) {
		return new SseMetricsBinder(server);
	}

	@Bean
	@ConditionalOnMissingBean
	SseMetrics sseMetrics() {
		return new SseMetrics();
	}

	@Bean
	SseServerCustomizer sseMetricsCustomizer(SseMetrics metrics) {
		return (builder) -> builder.listener(metrics);
	}

}
