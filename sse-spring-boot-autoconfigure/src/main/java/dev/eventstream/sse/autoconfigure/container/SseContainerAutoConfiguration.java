package dev.eventstream.sse.autoconfigure.container;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.autoconfigure.SseProperties;
import dev.eventstream.sse.server.SseServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the web server's connection limit: room for
 * {@code sse.max-connections} streams plus a tenth of it (at least 1,000) for other
 * requests, so that a stream past the limit is answered {@code 503} while health checks
 * and publishing requests still get through. An application that sets the web server's
 * limit itself ({@code server.tomcat.max-connections},
 * {@code server.jetty.max-connections} or its own customizer) keeps it, and is warned at
 * start-up when it does not leave the SSE limit room to answer first. A warning also
 * tells when the process may not open a file per connection.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBean(SseServer.class)
public final class SseContainerAutoConfiguration {

	SseContainerAutoConfiguration() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.apache.catalina.startup.Tomcat",
			"org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory" })
	static final class TomcatConfiguration {

		@Bean
		TomcatConnectionLimitCustomizer sseTomcatConnectionLimitCustomizer(SseProperties properties,
				Environment environment) {
			return new TomcatConnectionLimitCustomizer(ConnectionCeiling.of(properties.maxConnections()), environment);
		}

		@Bean
		ConnectionLimitCheck sseTomcatConnectionLimitCheck(SseProperties properties) {
			return new ConnectionLimitCheck(ConnectionCeiling.of(properties.maxConnections()), "Tomcat",
					TomcatConnectionLimitCustomizer.PROPERTY, TomcatConnectionLimitCustomizer::connectionLimit,
					ConnectionLimitCheck::maxFileDescriptorCount);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.eclipse.jetty.server.Server",
			"org.springframework.boot.jetty.ConfigurableJettyWebServerFactory" })
	static final class JettyConfiguration {

		@Bean
		JettyConnectionLimitCustomizer sseJettyConnectionLimitCustomizer(SseProperties properties,
				Environment environment) {
			return new JettyConnectionLimitCustomizer(ConnectionCeiling.of(properties.maxConnections()), environment);
		}

		@Bean
		ConnectionLimitCheck sseJettyConnectionLimitCheck(SseProperties properties) {
			return new ConnectionLimitCheck(ConnectionCeiling.of(properties.maxConnections()), "Jetty",
					JettyConnectionLimitCustomizer.PROPERTY, JettyConnectionLimitCustomizer::connectionLimit,
					ConnectionLimitCheck::maxFileDescriptorCount);
		}

	}

}
