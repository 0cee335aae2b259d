package dev.eventstream.sse.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.actuate.SseEndpoint;
import dev.eventstream.sse.autoconfigure.actuate.SseEndpointAutoConfiguration;
import dev.eventstream.sse.autoconfigure.health.SseHealthContributorAutoConfiguration;
import dev.eventstream.sse.autoconfigure.metrics.SseMetricsAutoConfiguration;
import dev.eventstream.sse.autoconfigure.webmvc.SseWebMvcAutoConfiguration;
import dev.eventstream.sse.health.SseHealthIndicator;
import dev.eventstream.sse.metrics.SseMetrics;
import dev.eventstream.sse.metrics.SseMetricsBinder;
import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.EventIdGenerator;
import dev.eventstream.sse.server.InMemoryEventHistory;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.webmvc.SseStreamReturnValueHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class SseAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, SseAutoConfiguration.class,
				SseWebMvcAutoConfiguration.class, SseHealthContributorAutoConfiguration.class,
				SseMetricsAutoConfiguration.class, SseEndpointAutoConfiguration.class));

	@Test
	void providesServerAndTransportInServletWebApplication() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SseServer.class)
				.hasSingleBean(SseStreamReturnValueHandler.class)
				.hasSingleBean(SseServerLifecycle.class)
				.hasSingleBean(InMemoryEventHistory.class)
				.hasSingleBean(EventIdGenerator.class)
				.hasSingleBean(SseHealthIndicator.class)
				.hasSingleBean(SseMetricsBinder.class)
				.hasSingleBean(SseMetrics.class)
				.doesNotHaveBean(SseEndpoint.class);
			assertThat(context.getBean(SseServer.class).isRunning()).isTrue();
		});
	}

	@Test
	void registersMetricsAsListenerOfTheServer() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(SseMetrics.class).bindTo(registry);
			@SuppressWarnings("unchecked")
			SseServer<String> server = context.getBean(SseServer.class);
			server.broadcast(SseEvent.of("tick", "1"));
			assertThat(registry.get("sse.events.published").tag("event", "tick").counter().count()).isEqualTo(1);
		});
	}

	@Test
	void providesEndpointWhenExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sse").run((context) -> {
			assertThat(context).hasSingleBean(SseEndpoint.class);
			assertThat(context.getBean(SseEndpoint.class).server().open()).isTrue();
		});
	}

	@Test
	void backsOffForUserEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sse")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(SseEndpoint.class)
				.getBean(SseEndpoint.class)
				.isSameAs(context.getBean("myEndpoint")));
	}

	@Test
	void reportsHealthUpUntilContextCloses() {
		this.contextRunner.run((context) -> {
			SseHealthIndicator indicator = context.getBean(SseHealthIndicator.class);
			Health health = indicator.health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("connections", 0).containsEntry("sources", 0);
			context.close();
			assertThat(indicator.health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Test
	void bindsDefaults() {
		this.contextRunner.run((context) -> {
			SseProperties properties = context.getBean(SseProperties.class);
			assertThat(properties.retry()).isEqualTo(Duration.ofSeconds(3));
			assertThat(properties.keepAlive()).isEqualTo(Duration.ofSeconds(15));
			assertThat(properties.bufferCapacity()).isEqualTo(256);
			assertThat(properties.maxConnections()).isEqualTo(10000);
			assertThat(properties.maxConnectionsPerSource()).isEqualTo(16);
			assertThat(properties.maxLifetime()).isNull();
			assertThat(properties.history().size()).isEqualTo(1000);
			assertThat(properties.history().maxAge()).isNull();
			assertThat(properties.history().missedEvent()).isEqualTo("missed");
		});
	}

	@Test
	void bindsDurationsAndNumbers() {
		this.contextRunner
			.withPropertyValues("sse.retry=500ms", "sse.keep-alive=3s", "sse.buffer-capacity=32", "sse.history.size=10",
					"sse.history.max-age=2m", "sse.history.missed-event=gap", "sse.max-connections=500",
					"sse.max-connections-per-source=4", "sse.max-lifetime=30m")
			.run((context) -> {
				SseProperties properties = context.getBean(SseProperties.class);
				assertThat(properties.retry()).isEqualTo(Duration.ofMillis(500));
				assertThat(properties.keepAlive()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.bufferCapacity()).isEqualTo(32);
				assertThat(properties.maxConnections()).isEqualTo(500);
				assertThat(properties.maxConnectionsPerSource()).isEqualTo(4);
				assertThat(properties.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
				assertThat(properties.history().size()).isEqualTo(10);
				assertThat(properties.history().maxAge()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.history().missedEvent()).isEqualTo("gap");
			});
	}

	@Test
	void failsStartUpOnNegativeKeepAlive() {
		this.contextRunner.withPropertyValues("sse.keep-alive=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("'sse.keep-alive' must not be negative"));
	}

	@Test
	void failsStartUpOnZeroBufferCapacity() {
		this.contextRunner.withPropertyValues("sse.buffer-capacity=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("'sse.buffer-capacity' must be at least 1"));
	}

	@Test
	void failsStartUpOnZeroMaxConnections() {
		this.contextRunner.withPropertyValues("sse.max-connections=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("'sse.max-connections' must be at least 1"));
	}

	@Test
	void failsStartUpOnNegativeMaxConnectionsPerSource() {
		this.contextRunner.withPropertyValues("sse.max-connections-per-source=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("'sse.max-connections-per-source' must be at least 1"));
	}

	@Test
	void failsStartUpOnZeroMaxLifetime() {
		this.contextRunner.withPropertyValues("sse.max-lifetime=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("'sse.max-lifetime' must be positive"));
	}

	@Test
	void failsStartUpOnNegativeRetry() {
		this.contextRunner.withPropertyValues("sse.retry=-5ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("'sse.retry' must not be negative"));
	}

	@Test
	void failsStartUpOnNegativeHistorySize() {
		this.contextRunner.withPropertyValues("sse.history.size=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("'sse.history.size' must not be negative"));
	}

	@Test
	void backsOffForUserServer() {
		this.contextRunner.withUserConfiguration(UserServerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SseServer.class);
			assertThat(context.getBean(SseServer.class)).isSameAs(context.getBean("myServer"));
		});
	}

	@Test
	void usesUserIdGeneratorAndHistory() {
		this.contextRunner.withUserConfiguration(UserStrategiesConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(EventIdGenerator.class).hasSingleBean(EventHistory.class);
			assertThat(context.getBean(EventHistory.class)).isSameAs(context.getBean("myHistory"));
			@SuppressWarnings("unchecked")
			SseServer<String> server = context.getBean(SseServer.class);
			assertThat(server.broadcast(SseEvent.of("x"))).isEqualTo("custom-1");
		});
	}

	@Test
	void appliesCustomizers() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class)
			.run((context) -> assertThat(sentFrame(context, 42)).endsWith("data: <42>\n\n"));
	}

	@Test
	void marshalsWithJacksonAndSendsStringsAsTheyAre() {
		this.contextRunner.run((context) -> {
			assertThat(sentFrame(context, new Point(1, 2))).endsWith("data: {\"x\":1,\"y\":2}\n\n");
			assertThat(sentFrame(context, "plain \"text\"")).endsWith("data: plain \"text\"\n\n");
		});
	}

	@Test
	void marshalsWithToStringWithoutJackson() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.run((context) -> assertThat(sentFrame(context, new Point(1, 2))).endsWith("data: Point[x=1, y=2]\n\n"));
	}

	@Test
	void startsWithoutActuatorOrMicrometer() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health", "io.micrometer",
					"org.springframework.boot.actuate"))
			.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SseServer.class)
				.doesNotHaveBean(SseHealthIndicator.class)
				.doesNotHaveBean(SseMetricsBinder.class)
				.doesNotHaveBean(SseMetrics.class)
				.doesNotHaveBean(SseEndpoint.class));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseWebMvcAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseServer.class)
				.doesNotHaveBean(SseStreamReturnValueHandler.class));
	}

	/** Sends the payload through the auto-configured server and reads the frame back from history. */
	@SuppressWarnings("unchecked")
	private static String sentFrame(ApplicationContext context, Object payload) {
		SseServer<Object> server = context.getBean(SseServer.class);
		server.newEvent("p").send(payload);
		EventHistory<Object> history = context.getBean(EventHistory.class);
		List<byte[]> frames = history.replay(EventHistory.ORIGIN, history.newestId(), "anyone", Set.of()).frames();
		return new String(frames.get(frames.size() - 1), StandardCharsets.UTF_8);
	}

	record Point(int x, int y) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerConfiguration {

		@Bean(destroyMethod = "close")
		SseServer<String> myServer() {
			return SseServer.<String>builder().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		SseEndpoint myEndpoint(SseServer<?> server) {
			return new SseEndpoint(server);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStrategiesConfiguration {

		@Bean
		EventIdGenerator myIds() {
			AtomicInteger next = new AtomicInteger();
			return () -> "custom-" + next.incrementAndGet();
		}

		@Bean
		EventHistory<Object> myHistory() {
			return new InMemoryEventHistory<>(5, null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		SseServerCustomizer angleBrackets() {
			return (builder) -> builder.marshaller((payload) -> "<" + payload + ">");
		}

	}

}
