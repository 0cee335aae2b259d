package dev.eventstream.sse.autoconfigure;

import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.EventIdGenerator;
import dev.eventstream.sse.server.InMemoryEventHistory;
import dev.eventstream.sse.server.SseCluster;
import dev.eventstream.sse.server.SseServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the {@link SseServer} in a servlet web
 * application. The server bean is declared raw, so a controller injects it with the source id type it
 * uses: {@code SseServer<Long>}, {@code SseServer<String>} or any other.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@EnableConfigurationProperties(SseProperties.class)
public final class SseAutoConfiguration {

	SseAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	EventIdGenerator sseEventIdGenerator() {
		return EventIdGenerator.sequential();
	}

	@Bean
	@ConditionalOnMissingBean({ EventHistory.class, SseCluster.class })
	InMemoryEventHistory<Object> sseEventHistory(SseProperties properties) {
		return new InMemoryEventHistory<>(properties.history().size(), properties.history().maxAge());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@SuppressWarnings({ "rawtypes", "unchecked" })
	SseServer sseServer(SseProperties properties, ObjectProvider<EventHistory<?>> history,
			EventIdGenerator idGenerator, ObjectProvider<SseCluster<?>> cluster,
			ObjectProvider<SseServerCustomizer> customizers) {
		SseServer.Builder<Object> builder = SseServer.builder()
			.retry(properties.retry().isZero() ? null : properties.retry())
			.keepAlive(properties.keepAlive())
			.bufferCapacity(properties.bufferCapacity())
			.maxConnections(properties.maxConnections())
			.maxConnectionsPerSource(properties.maxConnectionsPerSource())
			.maxLifetime(properties.maxLifetime())
			.idGenerator(idGenerator)
			.cluster((SseCluster<Object>) cluster.getIfAvailable())
			.missedEvent(properties.history().missedEvent());
		history.ifAvailable((each) -> builder.history((EventHistory<Object>) each));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	/**
	 * Marshals payloads with the application's Jackson {@link JsonMapper}; a {@code String} is sent as
	 * it is.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static final class JacksonMarshallerConfiguration {

		@Bean
		@Order(0)
		@ConditionalOnBean(JsonMapper.class)
		SseServerCustomizer sseJacksonMarshallerCustomizer(JsonMapper jsonMapper) {
			return (builder) -> builder.marshaller(
					(payload) -> (payload instanceof String text) ? text : jsonMapper.writeValueAsString(payload));
		}

	}

}
