package dev.eventstream.sse.autoconfigure.actuate;

import java.util.List;
import java.util.Map;

import dev.eventstream.sse.actuate.SseEndpoint;
import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.transport.NeverWritableConnection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class SseEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseEndpointAutoConfiguration.class));

	@Test
	void needsExposure() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(SseEndpoint.class));
	}

	@Test
	void describesSourcesAndTopicsWhenExposed() {
		// The streams never become writable: no need to wait for them at shutdown.
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=sse", "sse.shutdown-timeout=0s")
			.run((context) -> {
				@SuppressWarnings("unchecked")
				SseServer<String> server = context.getBean(SseServer.class);
				server.connect("alice", null, List.of("room-1", "room-2")).open(new NeverWritableConnection(), null);
				server.connect("bob", null, List.of("room-1")).open(new NeverWritableConnection(), null);
				SseEndpoint.SseServerDescriptor descriptor = context.getBean(SseEndpoint.class).server();
				assertThat(descriptor.open()).isTrue();
				assertThat(descriptor.connections()).isEqualTo(2);
				assertThat(descriptor.topics()).containsExactly(Map.entry("room-1", 2), Map.entry("room-2", 1));
			});
	}

	@Test
	void backsOffForUserEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sse")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).getBean(SseEndpoint.class).isSameAs(context.getBean("myEndpoint")));
	}

	@Test
	void backsOffWithoutActuator() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sse")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseEndpoint.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		SseEndpoint myEndpoint(SseServer<?> server) {
			return new SseEndpoint(server);
		}

	}

}
