package dev.eventstream.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application: a live demo page and the HTTP API of the project's contract. It
 * runs on Tomcat, or on Jetty 12 when built with the {@code jetty} Maven profile.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Starts the sample application.
	 * @param args command-line arguments, such as {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
