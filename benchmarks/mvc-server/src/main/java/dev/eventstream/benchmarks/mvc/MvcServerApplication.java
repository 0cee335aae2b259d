package dev.eventstream.benchmarks.mvc;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Baseline server: plain Spring MVC {@code SseEmitter}s on Tomcat, written the way users
 * write them.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class MvcServerApplication {

	/**
	 * Starts the server.
	 * @param args command-line arguments, such as {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		SpringApplication.run(MvcServerApplication.class, args);
	}

}
