package dev.eventstream.sse.autoconfigure.redis;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceClientConfigurationBuilder;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Builds, from the application's Lettuce connection factory, one that connects to the same Redis with
 * the same client settings (TLS, credentials, client name, read preference, client resources and
 * options), but times its commands out after a short time and rejects them while disconnected instead
 * of queueing them.
 */
final class FailFastLettuce {

	private FailFastLettuce() {
	}

	static LettuceConnectionFactory connectionFactory(LettuceConnectionFactory application, Duration timeout) {
		LettuceClientConfiguration client = application.getClientConfiguration();
		LettuceClientConfigurationBuilder builder = LettuceClientConfiguration.builder();
		if (client.isUseSsl()) {
			LettuceClientConfiguration.LettuceSslClientConfigurationBuilder ssl = builder.useSsl()
				.verifyPeer(client.getVerifyMode());
			if (client.isStartTls()) {
				ssl.startTls();
			}
			builder = ssl.and();
		}
		client.getClientResources().ifPresent(builder::clientResources);
		client.getClientName().ifPresent(builder::clientName);
		client.getReadFrom().ifPresent(builder::readFrom);
		client.getRedisCredentialsProviderFactory().ifPresent(builder::redisCredentialsProviderFactory);
		builder.clientOptions(clientOptions(client.getClientOptions().orElse(null), application.isClusterAware(), timeout))
			.commandTimeout(timeout)
			.shutdownTimeout(client.getShutdownTimeout())
			.shutdownQuietPeriod(client.getShutdownQuietPeriod());
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration(application), builder.build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static ClientOptions clientOptions(@Nullable ClientOptions application, boolean cluster, Duration timeout) {
		ClientOptions.Builder builder;
		if (application != null) {
			builder = application.mutate();
		}
		else {
			builder = cluster ? ClusterClientOptions.builder() : ClientOptions.builder();
		}
		return builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(timeout))
			.build();
	}

	private static RedisConfiguration configuration(LettuceConnectionFactory application) {
		RedisConfiguration socket = application.getSocketConfiguration();
		RedisConfiguration sentinel = application.getSentinelConfiguration();
		RedisConfiguration cluster = application.getClusterConfiguration();
		if (socket != null) {
			return socket;
		}
		if (sentinel != null) {
			return sentinel;
		}
		return (cluster != null) ? cluster : application.getStandaloneConfiguration();
	}

}
