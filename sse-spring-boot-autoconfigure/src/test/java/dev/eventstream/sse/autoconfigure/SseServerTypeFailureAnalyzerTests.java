package dev.eventstream.sse.autoconfigure;

import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class SseServerTypeFailureAnalyzerTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class));

	@Test
	void explainsHowToDeclareAServerForAnotherIdType() {
		this.contextRunner.withUserConfiguration(NeedsLongServer.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new SseServerTypeFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("SseServer<Long>", "String ids");
			assertThat(analysis.getAction()).contains("SseServer<Long> longEvents(SseServer.Builder<Long> builder)");
		});
	}

	@Test
	void leavesOtherMissingBeansToSpringBoot() {
		this.contextRunner.withUserConfiguration(NeedsSomethingElse.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new SseServerTypeFailureAnalyzer().analyze(context.getStartupFailure())).isNull();
		});
	}

	@Test
	void serverForAnotherIdTypeFromTheBuilderStartsBesideTheRest() {
		this.contextRunner.withUserConfiguration(NeedsLongServer.class, DeclaresLongServer.class)
			.run((context) -> assertThat(context).hasNotFailed().getBean(NeedsLongServer.class).isNotNull());
	}

	@Configuration(proxyBeanMethods = false)
	static class NeedsLongServer {

		NeedsLongServer(SseServer<Long> server) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DeclaresLongServer {

		@Bean
		SseServer<Long> longEvents(SseServer.Builder<Long> builder) {
			return builder.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NeedsSomethingElse {

		NeedsSomethingElse(StringBuilder missing) {
		}

	}

}
