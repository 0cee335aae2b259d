package dev.eventstream.sse.autoconfigure.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.autoconfigure.SseProperties;
import dev.eventstream.sse.autoconfigure.health.SseHealthContributorAutoConfiguration;
import dev.eventstream.sse.health.SseHealthIndicator;
import dev.eventstream.sse.redis.RedisServer;
import dev.eventstream.sse.redis.RedisSseCluster;
import dev.eventstream.sse.redis.SourceIdCodec;
import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.SseCluster;
import dev.eventstream.sse.server.SseServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class SseRedisAutoConfigurationTests {

	private static RedisServer redis;

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SseRedisAutoConfiguration.class,
				SseAutoConfiguration.class, SseHealthContributorAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + redis.port());

	@BeforeAll
	static void startRedis() throws IOException {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void singleServerByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(SseCluster.class)
				.doesNotHaveBean(SourceIdCodec.class)
				.doesNotHaveBean(LettuceClientOptionsBuilderCustomizer.class)
				.hasSingleBean(EventHistory.class);
			assertThat(context.getBean(SseServer.class).clusterAvailable()).isEmpty();
			assertThat(context.getBean(SseHealthIndicator.class).health(true).getDetails())
				.doesNotContainKey("cluster");
		});
	}

	@Test
	void clusterThroughTheApplicationsRedisWhenAsked() {
		String key = "sse:test:" + UUID.randomUUID();
		this.contextRunner.withPropertyValues("sse.cluster.type=redis", "sse.cluster.redis.key=" + key)
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisSseCluster.class)
					.hasSingleBean(RedisConnectionFactory.class)
					.doesNotHaveBean(LettuceClientOptionsBuilderCustomizer.class)
					.doesNotHaveBean(EventHistory.class);
				@SuppressWarnings("unchecked")
				SseServer<String> server = context.getBean(SseServer.class);
				String id = server.broadcast(SseEvent.of("hello"));
				assertThat(id).matches("\\d+-\\d+");
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				try (RedisConnection connection = factory.getConnection()) {
					assertThat(connection.streamCommands().xLen(key.getBytes())).isEqualTo(1);
				}
				Health health = context.getBean(SseHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("cluster", "available");
			});
	}

	@Test
	void bindsClusterDefaults() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(SseProperties.class).cluster().type())
				.isEqualTo(SseProperties.Cluster.Type.NONE);
			assertThat(context).doesNotHaveBean(SseRedisProperties.class);
		});
		this.contextRunner.withPropertyValues("sse.cluster.type=redis").run((context) -> {
			assertThat(context.getBean(SseProperties.class).cluster().type())
				.isEqualTo(SseProperties.Cluster.Type.REDIS);
			SseRedisProperties redis = context.getBean(SseRedisProperties.class);
			assertThat(redis.key()).isEqualTo("sse:events");
			assertThat(redis.timeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(redis.presenceTtl()).isEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void clusterConnectionFailsFastWithTheBoundTimeout() {
		this.contextRunner
			.withPropertyValues("sse.cluster.type=redis", "sse.cluster.redis.key=sse:bound",
					"sse.cluster.redis.timeout=500ms", "sse.cluster.redis.presence-ttl=5s",
					"spring.data.redis.client-name=my-app")
			.run((context) -> {
				assertThat(context.getBean(SseRedisProperties.class))
					.isEqualTo(new SseRedisProperties("sse:bound", Duration.ofMillis(500), Duration.ofSeconds(5)));
				RedisConnectionFactory clusters = context.getBean(SseRedisConnection.class).connectionFactory();
				assertThat(clusters).isNotSameAs(context.getBean(RedisConnectionFactory.class))
					.isInstanceOf(LettuceConnectionFactory.class);
				LettuceClientConfiguration client = ((LettuceConnectionFactory) clusters).getClientConfiguration();
				assertThat(client.getCommandTimeout()).isEqualTo(Duration.ofMillis(500));
				assertThat(client.getClientOptions()).get()
					.satisfies((options) -> assertThat(options.getDisconnectedBehavior())
						.isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS));
				assertThat(client.getClientName()).contains("my-app");
				ClientResources applications = context.getBean(ClientResources.class);
				assertThat(client.getClientResources()).get().satisfies((resources) -> {
					assertThat(resources).isNotSameAs(applications);
					assertThat(resources.eventLoopGroupProvider()).isSameAs(applications.eventLoopGroupProvider());
					assertThat(resources.reconnectDelay().createDelay(30)).isEqualTo(Duration.ofSeconds(1));
				});
				assertThat(applications.reconnectDelay().createDelay(30)).isEqualTo(Duration.ofSeconds(30));
				assertThat(((LettuceConnectionFactory) clusters).getPort()).isEqualTo(redis.port());
			});
	}

	@Test
	void applicationsOwnRedisKeepsLettucesDefaults() throws IOException {
		try (RedisServer own = RedisServer.start()) {
			this.contextRunner.withPropertyValues("sse.cluster.type=redis", "spring.data.redis.port=" + own.port())
				.run((context) -> {
					LettuceClientConfiguration client = context.getBean(LettuceConnectionFactory.class)
						.getClientConfiguration();
					assertThat(client.getCommandTimeout()).isEqualTo(Duration.ofSeconds(60));
					assertThat(client.getClientOptions().map(ClientOptions::getDisconnectedBehavior))
						.contains(ClientOptions.DisconnectedBehavior.DEFAULT);
					StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
					template.opsForValue().set("k", "before");

					// Lettuce's default: a command sent while disconnected waits for the
					// reconnection.
					own.stop();
					CompletableFuture<String> read = CompletableFuture
						.supplyAsync(() -> template.opsForValue().get("k"));
					own.restart();
					assertThat(read).succeedsWithin(Duration.ofSeconds(20)).isNull();
				});
		}
	}

	@Test
	void backsOffForUserCodecAndCluster() {
		this.contextRunner.withPropertyValues("sse.cluster.type=redis")
			.withUserConfiguration(UserCodecConfiguration.class)
			.run((context) -> assertThat(context.getBean(SourceIdCodec.class)).isSameAs(UserCodecConfiguration.CODEC));
	}

	@Test
	void backsOffForAnyUserCluster() {
		this.contextRunner.withPropertyValues("sse.cluster.type=redis")
			.withUserConfiguration(UserClusterConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(SseCluster.class).doesNotHaveBean(SseRedisConnection.class);
				assertThat(context.getBean(SseCluster.class)).isSameAs(context.getBean("myCluster"));
				assertThat(context.getBean(SseServer.class).clusterAvailable()).contains(true);
			});
	}

	@Test
	void failsStartUpOnBlankKey() {
		this.contextRunner.withPropertyValues("sse.cluster.type=redis", "sse.cluster.redis.key= ")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("'sse.cluster.redis.key' must not be blank"));
	}

	@Test
	void failsStartUpOnTimeoutThatIsNotPositive() {
		for (String timeout : new String[] { "0", "-1s" }) {
			this.contextRunner.withPropertyValues("sse.cluster.type=redis", "sse.cluster.redis.timeout=" + timeout)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessage("'sse.cluster.redis.timeout' must be positive"));
		}
	}

	@Test
	void failsStartUpOnPresenceTtlUnderOneSecond() {
		for (String ttl : new String[] { "999ms", "0", "-1s" }) {
			this.contextRunner.withPropertyValues("sse.cluster.type=redis", "sse.cluster.redis.presence-ttl=" + ttl)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessage("'sse.cluster.redis.presence-ttl' must be at least 1s"));
		}
	}

	@Test
	void usesThePrimaryOfSeveralConnectionFactories() {
		this.contextRunner.withPropertyValues("sse.cluster.type=redis")
			.withUserConfiguration(SecondConnectionFactoryConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisSseCluster.class);
				LettuceConnectionFactory clusters = (LettuceConnectionFactory) context.getBean(SseRedisConnection.class)
					.connectionFactory();
				assertThat(clusters.getPort()).isEqualTo(redis.port());
			});
	}

	@Test
	void failsStartUpWithSeveralConnectionFactoriesAndNoPrimary() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseRedisAutoConfiguration.class, SseAutoConfiguration.class))
			.withUserConfiguration(TwoConnectionFactoriesConfiguration.class)
			.withPropertyValues("sse.cluster.type=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("no single " + RedisConnectionFactory.class.getName()));
	}

	@Test
	void staysSingleInANonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SseRedisAutoConfiguration.class))
			.withPropertyValues("sse.cluster.type=redis", "spring.data.redis.port=" + redis.port())
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseCluster.class));
	}

	@Test
	void failsStartUpWhenClusteredWithoutRedis() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseRedisAutoConfiguration.class, SseAutoConfiguration.class))
			.withPropertyValues("sse.cluster.type=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining(RedisConnectionFactory.class.getName()));
	}

	@Test
	void staysSingleWithoutTheRedisModule() {
		this.contextRunner.withPropertyValues("sse.cluster.type=redis")
			.withClassLoader(new FilteredClassLoader(RedisSseCluster.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseCluster.class));
	}

	@Test
	void healthIsDownWhileRedisCannotBeReached() {
		this.contextRunner
			.withPropertyValues("sse.cluster.type=redis", "spring.data.redis.port=" + freePort(),
					"spring.data.redis.connect-timeout=200ms")
			.run((context) -> {
				Health health = context.getBean(SseHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("cluster", "unreachable");
			});
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class SecondConnectionFactoryConfiguration {

		@Bean
		@Primary
		LettuceConnectionFactory primaryConnectionFactory() {
			return new LettuceConnectionFactory("127.0.0.1", redis.port());
		}

		@Bean
		LettuceConnectionFactory otherConnectionFactory() {
			return new LettuceConnectionFactory("127.0.0.1", 1);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoConnectionFactoriesConfiguration {

		@Bean
		LettuceConnectionFactory oneConnectionFactory() {
			return new LettuceConnectionFactory("127.0.0.1", redis.port());
		}

		@Bean
		LettuceConnectionFactory otherConnectionFactory() {
			return new LettuceConnectionFactory("127.0.0.1", 1);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserClusterConfiguration {

		@Bean
		SseCluster<String> myCluster(RedisConnectionFactory connectionFactory) {
			return new RedisSseCluster<>(connectionFactory, new UserCodecConfiguration().myCodec(), "sse:user", 10);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCodecConfiguration {

		static final SourceIdCodec<String> CODEC = new SourceIdCodec<>() {

			@Override
			public String encode(String sourceId) {
				return sourceId;
			}

			@Override
			public String decode(String text) {
				return text;
			}

		};

		@Bean
		SourceIdCodec<String> myCodec() {
			return CODEC;
		}

	}

}
