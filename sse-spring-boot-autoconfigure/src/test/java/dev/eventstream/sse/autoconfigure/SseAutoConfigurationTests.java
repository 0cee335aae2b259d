package dev.eventstream.sse.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.autoconfigure.webmvc.SseWebMvcAutoConfiguration;
import dev.eventstream.sse.server.ConnectionRefusedException;
import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.EventIdGenerator;
import dev.eventstream.sse.server.InMemoryEventHistory;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.TopicAuthorizer;
import dev.eventstream.sse.server.transport.NeverWritableConnection;
import dev.eventstream.sse.server.transport.SseConnection;
import dev.eventstream.sse.webmvc.SseStreamReturnValueHandler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SseAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, SseAutoConfiguration.class));

	@Test
	void providesRunningServerInServletWebApplication() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SseServer.class)
				.hasSingleBean(SseServerLifecycle.class)
				.hasSingleBean(InMemoryEventHistory.class)
				.hasSingleBean(EventIdGenerator.class);
			assertThat(context.getBean(SseServer.class).isRunning()).isTrue();
		});
	}

	@Test
	void serverStopsWhenTheContextPausesAndRunsAgainWhenItRestarts() {
		this.contextRunner.run((context) -> {
			@SuppressWarnings("unchecked")
			SseServer<String> server = context.getBean(SseServer.class);
			context.stop();
			assertThat(server.isRunning()).isFalse();
			context.start();
			assertThat(server.isRunning()).isTrue();
			assertThat(server.broadcast(SseEvent.of("after restart"))).isNotBlank();
		});
	}

	@Test
	void bindsTopicPresenceAndLifecycleProperties() {
		this.contextRunner
			.withPropertyValues("sse.presence.grace=7s", "sse.presence.event=", "sse.topics.max-per-connection=2",
					"sse.close-event=", "sse.history.missed-event=", "sse.writer-threads=3", "sse.shutdown-timeout=1s",
					"sse.last-event-id-parameter=since")
			.run((context) -> {
				SseProperties properties = context.getBean(SseProperties.class);
				assertThat(properties.presence().grace()).isEqualTo(Duration.ofSeconds(7));
				assertThat(properties.presence().event()).isEmpty();
				assertThat(properties.topics().maxPerConnection()).isEqualTo(2);
				assertThat(properties.closeEvent()).isEmpty();
				assertThat(properties.history().missedEvent()).isEmpty();
				assertThat(properties.writerThreads()).isEqualTo(3);
				assertThat(properties.shutdownTimeout()).isEqualTo(Duration.ofSeconds(1));
				assertThat(properties.lastEventIdParameter()).isEqualTo("since");
				@SuppressWarnings("unchecked")
				SseServer<String> server = context.getBean(SseServer.class);
				assertThatIllegalArgumentException().isThrownBy(() -> server.connect("a", null, List.of("x", "y", "z")))
					.withMessageContaining("at most 2 topics");
			});
	}

	@Test
	void failsStartUpOnInvalidTopicAndPresenceValues() {
		this.contextRunner.withPropertyValues("sse.topics.max-per-connection=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("'sse.topics.max-per-connection' must not be negative"));
		this.contextRunner.withPropertyValues("sse.presence.grace=-1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("'sse.presence.grace' must not be negative"));
		this.contextRunner.withPropertyValues("sse.close-event=a\nb")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("'sse.close-event' must be empty or a non-blank name without CR or LF"));
	}

	@Test
	void appliesTheApplicationsTopicAuthorizer() {
		this.contextRunner.withUserConfiguration(TopicAuthorizerConfiguration.class).run((context) -> {
			@SuppressWarnings("unchecked")
			SseServer<String> server = context.getBean(SseServer.class);
			assertThatExceptionOfType(ConnectionRefusedException.class).isThrownBy(
					() -> server.connect("alice", null, List.of("secret")).open(new NeverWritableConnection(), null))
				.satisfies(
						(ex) -> assertThat(ex.reason()).isEqualTo(ConnectionRefusedException.Reason.TOPIC_FORBIDDEN));
			assertThat(server.connectionCount()).isZero();
		});
	}

	@Test
	void buildsServersOfOtherIdTypesWithTheirOwnHistory() {
		this.contextRunner.withUserConfiguration(TwoServersConfiguration.class).run((context) -> {
			@SuppressWarnings("unchecked")
			SseServer<Long> orders = context.getBean("orders", SseServer.class);
			@SuppressWarnings("unchecked")
			SseServer<String> users = context.getBean("users", SseServer.class);
			assertThat(orders.isRunning()).isTrue();
			assertThat(users.isRunning()).isTrue();
			orders.broadcast(SseEvent.of("order"));
			users.broadcast(SseEvent.of("user"));
			// A client that saw nothing yet comes back with the origin id: it gets its
			// own server's history.
			RecordingConnection connection = new RecordingConnection();
			users.connect("alice", EventHistory.ORIGIN).open(connection, null).onWritePossible();
			assertThat(connection.text).contains("data: user").doesNotContain("data: order");
			assertThat(context.getBean(SseServer.Builder.class)).isNotSameAs(context.getBean(SseServer.Builder.class));
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
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseWebMvcAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseServer.class)
				.doesNotHaveBean(SseStreamReturnValueHandler.class));
	}

	/**
	 * Sends the payload through the auto-configured server and reads the frame back from
	 * history.
	 */
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
	static class TopicAuthorizerConfiguration {

		@Bean
		TopicAuthorizer<String> topicAuthorizer() {
			return (user, topic) -> !"secret".equals(topic);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoServersConfiguration {

		@Bean
		SseServer<Long> orders(SseServer.Builder<Long> builder) {
			return builder.build();
		}

		@Bean
		SseServer<String> users(SseServer.Builder<String> builder) {
			return builder.build();
		}

	}

	/** A transport's connection that takes every write at once and keeps it as text. */
	static final class RecordingConnection implements SseConnection {

		final StringBuilder text = new StringBuilder();

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void write(byte[] frame) {
			this.text.append(new String(frame, StandardCharsets.UTF_8));
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
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
