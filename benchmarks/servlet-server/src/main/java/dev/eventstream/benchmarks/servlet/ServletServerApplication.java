package dev.eventstream.benchmarks.servlet;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Baseline server: a plain non-blocking Servlet on {@code /events}, outside Spring MVC,
 * making the fewest container calls an event stream can make per event. Whatever it
 * spends per event, any Servlet-based event stream on the same container spends too.
 *
 * @since 0.2.0
 */
@SpringBootApplication
public class ServletServerApplication {

	/**
	 * Starts the server.
	 * @param args command-line arguments, such as {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		SpringApplication.run(ServletServerApplication.class, args);
	}

	@Bean
	ServletRegistrationBean<EventsServlet> eventsServlet() {
		ServletRegistrationBean<EventsServlet> registration = new ServletRegistrationBean<>(new EventsServlet(),
				"/events");
		registration.setAsyncSupported(true);
		return registration;
	}

}
