package dev.eventstream.sse.autoconfigure.health;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.health.SseHealthIndicator;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class SseHealthContributorAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(SseAutoConfiguration.class, SseHealthContributorAutoConfiguration.class));

	@Test
	void reportsHealthUpUntilContextCloses() {
		this.contextRunner.run((context) -> {
			SseHealthIndicator indicator = context.getBean(SseHealthIndicator.class);
			Health health = indicator.health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("connections", 0).containsEntry("sources", 0);
			context.close();
			assertThat(indicator.health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.sse.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SseHealthIndicator.class));
	}

	@Test
	void backsOffForUserIndicator() {
		this.contextRunner.withUserConfiguration(UserIndicatorConfiguration.class)
			.run((context) -> assertThat(context).getBean(SseHealthIndicator.class)
				.isSameAs(context.getBean("sseHealthIndicator")));
	}

	@Test
	void backsOffWithoutActuatorHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseHealthIndicator.class));
	}

	@Test
	void reportsThePrimaryOfSeveralServersAndNoneWithoutOneSayingSo(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(TwoServersConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(SseHealthIndicator.class));
		assertThat(output).contains("2 SseServer beans and none is @Primary");
		this.contextRunner.withUserConfiguration(TwoServersConfiguration.class, PrimaryServerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(SseHealthIndicator.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserIndicatorConfiguration {

		@Bean
		SseHealthIndicator sseHealthIndicator(SseServer<?> server) {
			return new SseHealthIndicator(server);
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

	@Configuration(proxyBeanMethods = false)
	static class PrimaryServerConfiguration {

		@Bean
		@Primary
		SseServer<String> main(SseServer.Builder<String> builder) {
			return builder.build();
		}

	}

}
