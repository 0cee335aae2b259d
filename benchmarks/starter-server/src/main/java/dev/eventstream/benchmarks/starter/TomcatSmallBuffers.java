package dev.eventstream.benchmarks.starter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Shrinks Tomcat's per-connection buffers when {@code bench.tomcat.small-buffers} is set:
 * the socket read and write buffers that every open connection holds for its whole life,
 * and the request and response header buffers (see README, "Performance"). A class of its
 * own, so that the Jetty build of this server ({@code benchmarks/starter-jetty-server})
 * compiles the same sources without it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("bench.tomcat.small-buffers")
class TomcatSmallBuffers {

	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallTomcatBuffers() {
		return (factory) -> factory.addConnectorCustomizers((connector) -> {
			connector.setProperty("socket.appReadBufSize", "1024");
			connector.setProperty("socket.appWriteBufSize", "1024");
			connector.setProperty("maxHttpRequestHeaderSize", "2048");
			connector.setProperty("maxHttpResponseHeaderSize", "1024");
		});
	}

}
