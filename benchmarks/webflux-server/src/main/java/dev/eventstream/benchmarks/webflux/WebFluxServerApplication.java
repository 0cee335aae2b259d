package dev.eventstream.benchmarks.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Baseline server: Spring WebFlux on Reactor Netty, a multicast sink and a {@code Flux}
 * of {@code ServerSentEvent}s per client.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class WebFluxServerApplication {

	/**
	 * Starts the server.
	 * @param args command-line arguments, such as {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		SpringApplication.run(WebFluxServerApplication.class, args);
	}

}
