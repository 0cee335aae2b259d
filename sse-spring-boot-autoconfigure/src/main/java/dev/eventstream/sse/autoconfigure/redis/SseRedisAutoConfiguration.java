package dev.eventstream.sse.autoconfigure.redis;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.autoconfigure.SseProperties;
import dev.eventstream.sse.redis.RedisSseCluster;
import dev.eventstream.sse.redis.SourceIdCodec;
import dev.eventstream.sse.server.SseCluster;
import io.lettuce.core.ClientOptions;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of a cluster of SSE servers through a Redis Stream, when
 * {@code sse.cluster.type=redis}: the {@link RedisSseCluster} uses the application's
 * {@link RedisConnectionFactory}, so {@code spring.data.redis.*} configures the connection, and the
 * stream keeps about {@code sse.history.size} events for replay.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = SseAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ RedisSseCluster.class, RedisConnectionFactory.class })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnProperty(name = "sse.cluster.type", havingValue = "redis")
@EnableConfigurationProperties(SseProperties.class)
public final class SseRedisAutoConfiguration {

	SseRedisAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	SourceIdCodec<?> sseSourceIdCodec() {
		return SourceIdCodec.standard();
	}

	@Bean
	@ConditionalOnMissingBean(SseCluster.class)
	@SuppressWarnings({ "rawtypes", "unchecked" })
	RedisSseCluster<?> sseCluster(RedisConnectionFactory connectionFactory, SourceIdCodec<?> codec,
			SseProperties properties) {
		return new RedisSseCluster(connectionFactory, codec, properties.cluster().redis().key(),
				Math.max(1, properties.history().size()));
	}

	/**
	 * Makes Lettuce reject commands while it is disconnected instead of queueing them until its
	 * timeout, so that publishing fails fast when Redis is down.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ClientOptions.class, LettuceClientOptionsBuilderCustomizer.class })
	static final class LettuceConfiguration {

		@Bean
		LettuceClientOptionsBuilderCustomizer sseLettuceRejectWhileDisconnected() {
			return (builder) -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
		}

	}

}
