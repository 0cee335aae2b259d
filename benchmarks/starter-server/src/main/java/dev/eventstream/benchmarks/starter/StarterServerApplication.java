package dev.eventstream.benchmarks.starter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * The server under test built on the starter: the benchmark API ({@code GET /events?user=},
 * {@code POST /events} with the data as body) on Tomcat, with the starter's defaults.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class StarterServerApplication {

	/**
	 * Starts the server.
	 * @param args command-line arguments, such as {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		SpringApplication.run(StarterServerApplication.class, args);
	}

	/**
	 * Shrinks Tomcat's per-connection buffers when {@code bench.tomcat.small-buffers} is set: the socket
	 * read and write buffers that every open connection holds for its whole life, and the request and
	 * response header buffers (see README, "Performance").
	 * @return the customizer
	 */
	@Bean
	@ConditionalOnBooleanProperty("bench.tomcat.small-buffers")
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallTomcatBuffers() {
		return (factory) -> factory.addConnectorCustomizers((connector) -> {
			connector.setProperty("socket.appReadBufSize", "1024");
			connector.setProperty("socket.appWriteBufSize", "1024");
			connector.setProperty("maxHttpRequestHeaderSize", "2048");
			connector.setProperty("maxHttpResponseHeaderSize", "1024");
		});
	}

}
