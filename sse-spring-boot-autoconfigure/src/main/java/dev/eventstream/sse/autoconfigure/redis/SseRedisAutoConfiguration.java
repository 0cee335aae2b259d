package dev.eventstream.sse.autoconfigure.redis;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.autoconfigure.SseProperties;
import dev.eventstream.sse.redis.RedisSseCluster;
import dev.eventstream.sse.redis.SourceIdCodec;
import dev.eventstream.sse.server.SseCluster;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of a cluster of SSE servers through a Redis Stream, when
 * {@code sse.cluster.type=redis}: the {@link RedisSseCluster} connects to the Redis of
 * the application's single {@link RedisConnectionFactory}, so {@code spring.data.redis.*}
 * configures the connection, and the stream keeps about {@code sse.history.size} events
 * for replay. With Lettuce the cluster has a connection factory of its own, with the
 * application's settings, whose commands time out after {@code sse.cluster.redis.timeout}
 * and are rejected while disconnected; the application's own factory is left as it is.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = SseAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ RedisSseCluster.class, RedisConnectionFactory.class })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnProperty(name = "sse.cluster.type", havingValue = "redis")
@EnableConfigurationProperties({ SseProperties.class, SseRedisProperties.class })
public final class SseRedisAutoConfiguration {

	SseRedisAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	SourceIdCodec<?> sseSourceIdCodec() {
		return SourceIdCodec.standard();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SseCluster.class)
	@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
	static final class ClusterConfiguration {

		@Bean
		SseRedisConnection sseRedisConnection(RedisConnectionFactory connectionFactory, SseRedisProperties properties) {
			return SseRedisConnection.of(connectionFactory, properties.timeout());
		}

		@Bean
		@SuppressWarnings({ "rawtypes", "unchecked" })
		RedisSseCluster<?> sseCluster(SseRedisConnection connection, SourceIdCodec<?> codec, SseProperties properties,
				SseRedisProperties redisProperties) {
			return new RedisSseCluster(connection.connectionFactory(), codec, redisProperties.key(),
					Math.max(1, properties.history().size()), redisProperties.timeout(), redisProperties.presenceTtl());
		}

	}

	/**
	 * Stops start-up when a cluster is asked for but there is no single Redis connection
	 * factory to build it on, rather than run as a single server.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SseCluster.class)
	@Conditional(NoSingleConnectionFactory.class)
	static final class MissingConnectionFactoryConfiguration {

		@Bean
		RedisSseCluster<?> sseCluster() {
			throw new IllegalStateException("'sse.cluster.type' is redis, but there is no single "
					+ RedisConnectionFactory.class.getName()
					+ " bean: add spring-boot-starter-data-redis, mark one of several @Primary, or declare an SseCluster bean");
		}

	}

	static final class NoSingleConnectionFactory extends NoneNestedConditions {

		NoSingleConnectionFactory() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
		static final class SingleConnectionFactory {

		}

	}

}
