package dev.eventstream.sse.autoconfigure.container;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import org.apache.coyote.AbstractProtocol;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web server's connection limit on a started server: Tomcat in the default test run,
 * Jetty in the {@code jetty} one (the class path decides, {@link Container#current()}
 * tells which).
 */
@ExtendWith(OutputCaptureExtension.class)
class SseContainerAutoConfigurationTests {

	private static final Container container = Container.current();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner(
			AnnotationConfigServletWebServerApplicationContext::new)
		.withConfiguration(AutoConfigurations.of(container.autoConfiguration(), SseAutoConfiguration.class,
				SseContainerAutoConfiguration.class))
		.withPropertyValues("server.port=0");

	@Test
	void runsOnTheContainerOfThisTestRun() {
		this.contextRunner
			.run((context) -> assertThat(webServer(context).getClass().getName()).isEqualTo(container.webServerType));
	}

	@Test
	void givesTheContainerRoomForEveryStreamPlusAThousandOtherConnections(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ConnectionLimitCheck.class);
			assertThat(connectionLimit(context)).isEqualTo(11_000);
		});
		assertThat(output).doesNotContain("'sse.max-connections'");
	}

	@Test
	void givesATenthOfTheStreamsToOtherConnectionsAboveTenThousandStreams() {
		this.contextRunner.withPropertyValues("sse.max-connections=100000")
			.run((context) -> assertThat(connectionLimit(context)).isEqualTo(110_000));
	}

	@Test
	void keepsAThousandOtherConnectionsForFewStreams() {
		this.contextRunner.withPropertyValues("sse.max-connections=20")
			.run((context) -> assertThat(connectionLimit(context)).isEqualTo(1020));
	}

	@Test
	void keepsTheLimitTheApplicationSetAndWarnsWhenItLeavesNoRoomForTheSseLimit(CapturedOutput output) {
		this.contextRunner.withPropertyValues(container.property + "=5000").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(connectionLimit(context)).isEqualTo(5000);
		});
		assertThat(output)
			.containsOnlyOnce(container.name + " accepts at most 5000 connections ('" + container.property
					+ "'), not more than the 10000 streams of 'sse.max-connections'")
			.contains("Set '" + container.property + "' to at least 11000");
	}

	@Test
	void keepsTheLimitTheApplicationSetWithoutWarningWhenItFits(CapturedOutput output) {
		this.contextRunner.withPropertyValues(container.property + "=10001")
			.run((context) -> assertThat(connectionLimit(context)).isEqualTo(10001));
		assertThat(output).doesNotContain("'sse.max-connections'");
	}

	@Test
	void keepsTheLimitOfTheApplicationsCustomizerAndWarnsWhenItLeavesNoRoomForTheSseLimit(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(SmallContainer.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(connectionLimit(context)).isEqualTo(100);
		});
		assertThat(output).containsOnlyOnce(container.name + " accepts at most 100 connections");
	}

	@Test
	void backsOffWithoutTheContainer() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseContainerAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(container.serverClass))
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectionLimitCheck.class)
				.doesNotHaveBean(TomcatConnectionLimitCustomizer.class)
				.doesNotHaveBean(JettyConnectionLimitCustomizer.class));
	}

	@Test
	void checksInAPlainServletApplication() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseContainerAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(ConnectionLimitCheck.class));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseContainerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectionLimitCheck.class));
	}

	private static WebServer webServer(AssertableWebApplicationContext context) {
		return ((WebServerApplicationContext) context.getSourceApplicationContext()).getWebServer();
	}

	private static @Nullable Integer connectionLimit(AssertableWebApplicationContext context) {
		return container.connectionLimit(webServer(context));
	}

	/** An application's own customizer, which runs after the starter's. */
	@Configuration(proxyBeanMethods = false)
	static class SmallContainer {

		@Bean
		WebServerFactoryCustomizer<ConfigurableWebServerFactory> smallContainer() {
			return (factory) -> container.setMaxConnections(factory, 100);
		}

	}

	/** The web server of this test run. */
	enum Container {

		TOMCAT("Tomcat", "server.tomcat.max-connections",
				"org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
				"org.springframework.boot.tomcat.TomcatWebServer", "org.apache.catalina.startup.Tomcat"),

		JETTY("Jetty", "server.jetty.max-connections",
				"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
				"org.springframework.boot.jetty.servlet.JettyServletWebServer", "org.eclipse.jetty.server.Server");

		final String name;

		final String property;

		private final String autoConfiguration;

		final String webServerType;

		final String serverClass;

		Container(String name, String property, String autoConfiguration, String webServerType, String serverClass) {
			this.name = name;
			this.property = property;
			this.autoConfiguration = autoConfiguration;
			this.webServerType = webServerType;
			this.serverClass = serverClass;
		}

		static Container current() {
			return ClassUtils.isPresent(TOMCAT.serverClass, null) ? TOMCAT : JETTY;
		}

		Class<?> autoConfiguration() {
			return ClassUtils.resolveClassName(this.autoConfiguration, null);
		}

		@Nullable Integer connectionLimit(WebServer webServer) {
			return (this == TOMCAT) ? TomcatConnectionLimitCustomizer.connectionLimit(webServer)
					: JettyConnectionLimitCustomizer.connectionLimit(webServer);
		}

		void setMaxConnections(ConfigurableWebServerFactory factory, int maxConnections) {
			if (this == TOMCAT) {
				((ConfigurableTomcatWebServerFactory) factory)
					.addConnectorCustomizers((connector) -> ((AbstractProtocol<?>) connector.getProtocolHandler())
						.setMaxConnections(maxConnections));
			}
			else {
				((ConfigurableJettyWebServerFactory) factory).setMaxConnections(maxConnections);
			}
		}

	}

}
