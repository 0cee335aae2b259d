package dev.eventstream.benchmarks.starter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The server under test built on the starter: the benchmark API
 * ({@code GET /events?user=}, {@code POST /events} with the data as body), and for the
 * topics scenario {@code POST /topics/{name}/events} and its batched form
 * {@code POST /bench/topics/events}, with the starter's defaults, on Tomcat (this module)
 * or on Jetty ({@code benchmarks/starter-jetty-server}, the same sources).
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

}
