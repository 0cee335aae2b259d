package dev.eventstream.sse.autoconfigure.metrics;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.metrics.SseMetrics;
import dev.eventstream.sse.metrics.SseMetricsBinder;
import dev.eventstream.sse.server.SseServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class SseMetricsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseMetricsAutoConfiguration.class));

	@Test
	void bindsGaugesAndListensToTheServer() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SseMetricsBinder.class).hasSingleBean(SseMetrics.class);
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(SseMetrics.class).bindTo(registry);
			context.getBean(SseMetricsBinder.class).bindTo(registry);
			@SuppressWarnings("unchecked")
			SseServer<String> server = context.getBean(SseServer.class);
			server.broadcast(SseEvent.of("tick", "1"));
			assertThat(registry.get("sse.events.published").tag("event", "tick").counter().count()).isEqualTo(1);
			assertThat(registry.get("sse.connections").gauge().value()).isZero();
			assertThat(registry.get("sse.topics").gauge().value()).isZero();
		});
	}

	@Test
	void listensToEveryServerBuiltFromTheBuilder() {
		this.contextRunner.withUserConfiguration(LongServerConfiguration.class).run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(SseMetrics.class).bindTo(registry);
			@SuppressWarnings("unchecked")
			SseServer<Long> server = context.getBean(SseServer.class);
			server.broadcast(SseEvent.of("order", "1"));
			assertThat(registry.get("sse.events.published").tag("event", "order").counter().count()).isEqualTo(1);
		});
	}

	@Test
	void backsOffForUserBeans() {
		this.contextRunner.withUserConfiguration(UserMetricsConfiguration.class).run((context) -> {
			assertThat(context.getBean(SseMetrics.class)).isSameAs(context.getBean("myMetrics"));
			assertThat(context.getBean(SseMetricsBinder.class)).isSameAs(context.getBean("myBinder"));
		});
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SseMetrics.class)
				.doesNotHaveBean(SseMetricsBinder.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class LongServerConfiguration {

		@Bean
		SseServer<Long> orders(SseServer.Builder<Long> builder) {
			return builder.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		SseMetrics myMetrics() {
			return new SseMetrics();
		}

		@Bean
		SseMetricsBinder myBinder(SseServer<?> server) {
			return new SseMetricsBinder(server);
		}

	}

}
