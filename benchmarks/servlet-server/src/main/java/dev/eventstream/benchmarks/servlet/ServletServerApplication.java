package dev.eventstream.benchmarks.servlet;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

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
	EventsServlet eventsServlet() {
		return new EventsServlet();
	}

	@Bean
	ServletRegistrationBean<EventsServlet> eventsServletRegistration(EventsServlet events) {
		ServletRegistrationBean<EventsServlet> registration = new ServletRegistrationBean<>(events, "/events");
		registration.setAsyncSupported(true);
		return registration;
	}

	/** {@code GET /bench/connections}: the number of open streams, for the harness. */
	@Bean
	ServletRegistrationBean<HttpServlet> connectionsServlet(EventsServlet events) {
		HttpServlet servlet = new HttpServlet() {

			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
				response.setContentType("text/plain");
				response.getWriter().print(events.connections());
			}

		};
		return new ServletRegistrationBean<>(servlet, "/bench/connections");
	}

}
