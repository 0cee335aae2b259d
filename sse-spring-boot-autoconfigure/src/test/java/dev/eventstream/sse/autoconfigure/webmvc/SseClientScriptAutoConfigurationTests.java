package dev.eventstream.sse.autoconfigure.webmvc;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

class SseClientScriptAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientScriptAutoConfiguration.class));

	@Test
	void servesTheScriptByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(WebMvcConfigurer.class)
			.hasBean("sseClientScriptConfigurer"));
	}

	@Test
	void servesNothingWhenDisabled() {
		this.contextRunner.withPropertyValues("sse.client-script.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("sseClientScriptConfigurer"));
	}

	@Test
	void backsOffInANonWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseClientScriptAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("sseClientScriptConfigurer"));
	}

	@Test
	void scriptIsInTheJarOutsideStaticResources() {
		assertThat(getClass().getResource("/META-INF/sse-client/sse-client.js")).isNotNull();
		assertThat(getClass().getResource("/META-INF/resources/sse/sse-client.js")).isNull();
	}

}
