package dev.eventstream.sse.autoconfigure.actuate;

import dev.eventstream.sse.actuate.SseEndpoint;
import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.server.SseServer;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code sse} actuator endpoint, when Spring Boot's actuator is
 * present. The endpoint is available once exposed
 * ({@code management.endpoints.web.exposure.include}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
		"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint" })
@ConditionalOnSingleCandidate(SseServer.class)
public final class SseEndpointAutoConfiguration {

	SseEndpointAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	SseEndpoint sseEndpoint(SseServer<?> server) {
		return new SseEndpoint(server);
	}

}
