package dev.eventstream.sse.autoconfigure.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceClientConfigurationBuilder;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Builds, from the application's Lettuce connection factory, one that connects to the
 * same Redis with the same client settings (TLS, credentials, client name, read
 * preference, client options), but times its commands out after a short time, rejects
 * them while disconnected instead of queueing them, and reconnects at least every second.
 * It shares the application's event loops, timer and tracing, but not its reconnection
 * delay, which grows to 30 seconds by default: after a long outage the cluster would not
 * publish for seconds after Redis came back.
 */
final class FailFastLettuce {

	private static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ZERO, Duration.ofSeconds(1), 2,
			TimeUnit.MILLISECONDS);

	private FailFastLettuce() {
	}

	static SseRedisConnection connection(LettuceConnectionFactory application, Duration timeout) {
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
		ClientResources resources = clientResources(application.getClientResources());
		builder.clientResources(resources);
		client.getClientName().ifPresent(builder::clientName);
		client.getReadFrom().ifPresent(builder::readFrom);
		client.getRedisCredentialsProviderFactory().ifPresent(builder::redisCredentialsProviderFactory);
		builder
			.clientOptions(clientOptions(client.getClientOptions().orElse(null), application.isClusterAware(), timeout))
			.commandTimeout(timeout)
			.shutdownTimeout(client.getShutdownTimeout())
			.shutdownQuietPeriod(client.getShutdownQuietPeriod());
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration(application), builder.build());
		factory.afterPropertiesSet();
		factory.start();
		return new SseRedisConnection(factory, () -> {
			factory.destroy();
			resources.shutdown(0, client.getShutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
		});
	}

	/**
	 * Returns resources with the cluster's reconnection delay, sharing the threads of the
	 * application's resources when it has any: shutting them down then leaves the
	 * application's threads alone.
	 */
	private static ClientResources clientResources(@Nullable ClientResources application) {
		DefaultClientResources.Builder builder = DefaultClientResources.builder()
			.reconnectDelay(RECONNECT_DELAY)
			.commandLatencyRecorder(CommandLatencyRecorder.disabled());
		if (application != null) {
			builder.eventLoopGroupProvider(application.eventLoopGroupProvider())
				.eventExecutorGroup(application.eventExecutorGroup())
				.timer(application.timer())
				.tracing(application.tracing());
		}
		return builder.build();
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
