package dev.eventstream.sse.autoconfigure;

import java.util.List;

import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.EventIdGenerator;
import dev.eventstream.sse.server.InMemoryEventHistory;
import dev.eventstream.sse.server.SseCluster;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.TopicAuthorizer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the {@link SseServer} in a servlet web application: an
 * {@code SseServer<String>} (source ids as they come in a request: a query parameter, a
 * path variable, a principal's name), and a prototype {@link SseServer.Builder} holding
 * the {@code sse.*} properties and every {@link SseServerCustomizer}, from which an
 * application builds servers of other id types: <pre class="code">
 * &#64;Bean
 * SseServer&lt;Long&gt; orderEvents(SseServer.Builder&lt;Long&gt; builder) {
 *     return builder.build();
 * }
 * </pre> An application that declares its own {@code SseServer} beans gets no
 * auto-configured one. A {@link TopicAuthorizer TopicAuthorizer&lt;String&gt;} bean
 * applies to the auto-configured server; a server of another id type sets its own on the
 * builder.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@EnableConfigurationProperties(SseProperties.class)
public final class SseAutoConfiguration {

	private static final Log logger = LogFactory.getLog(SseAutoConfiguration.class);

	SseAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	EventIdGenerator sseEventIdGenerator() {
		return EventIdGenerator.sequential();
	}

	@Bean
	@ConditionalOnMissingBean({ EventHistory.class, SseCluster.class })
	InMemoryEventHistory<String> sseEventHistory(SseProperties properties) {
		return newHistory(properties);
	}

	@Bean
	@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
	@ConditionalOnMissingBean
	@SuppressWarnings({ "rawtypes", "unchecked" })
	SseServer.Builder sseServerBuilder(SseProperties properties, EventIdGenerator idGenerator,
			ObjectProvider<SseCluster<?>> cluster, ObjectProvider<SseServerCustomizer> customizers) {
		SseProperties.Presence presence = properties.presence();
		SseServer.Builder<Object> builder = SseServer.builder()
			.retry(properties.retry().isZero() ? null : properties.retry())
			.keepAlive(properties.keepAlive())
			.bufferCapacity(properties.bufferCapacity())
			.maxConnections(properties.maxConnections())
			.maxConnectionsPerSource(properties.maxConnectionsPerSource())
			.maxLifetime(properties.maxLifetime())
			.maxTopicsPerConnection(properties.topics().maxPerConnection())
			.presenceGrace(presence.grace())
			.presenceEvent(presence.event().isEmpty() ? null : presence.event())
			.closeEvent(properties.closeEvent().isEmpty() ? null : properties.closeEvent())
			.missedEvent(properties.history().missedEvent().isEmpty() ? null : properties.history().missedEvent())
			.shutdownTimeout(properties.shutdownTimeout())
			.idGenerator(idGenerator)
			.cluster((SseCluster<Object>) cluster.getIfAvailable())
			// Its own history, so that servers built from separate builders never mix
			// their events.
			.history((EventHistory<Object>) (EventHistory<?>) newHistory(properties));
		if (properties.writerThreads() != null) {
			builder.writerThreads(properties.writerThreads());
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

	@Bean
	@ConditionalOnMissingBean(SseServer.class)
	@SuppressWarnings({ "rawtypes", "unchecked" })
	SseServer<String> sseServer(SseServer.Builder<String> builder, ObjectProvider<EventHistory<?>> history,
			ObjectProvider<TopicAuthorizer<String>> topicAuthorizer) {
		history.ifAvailable((each) -> builder.history((EventHistory<String>) (EventHistory) each));
		// Only here: the builder also builds servers of other id types, which an
		// authorizer of String ids does not fit. Such a server takes its own:
		// builder.topicAuthorizer(...).
		topicAuthorizer.ifAvailable(builder::topicAuthorizer);
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	SseServerLifecycle sseServerLifecycle(ObjectProvider<SseServer<?>> servers) {
		List<SseServer<?>> all = servers.orderedStream().toList();
		if (all.size() > 1 && servers.getIfUnique() == null) {
			logger.warn(all.size() + " SseServer beans and none is @Primary: the sse health indicator, metrics "
					+ "and actuator endpoint follow a primary server, so they are not configured");
		}
		return new SseServerLifecycle(all);
	}

	private static InMemoryEventHistory<String> newHistory(SseProperties properties) {
		return new InMemoryEventHistory<>(properties.history().size(), properties.history().maxAge());
	}

	/**
	 * Marshals payloads with the application's Jackson {@link JsonMapper}; a
	 * {@code String} is sent as it is.
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
