package dev.eventstream.sse.webmvc;

import dev.eventstream.sse.server.EventHistory;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application with one stream endpoint per controller style and source id type: two
 * servers, one of each id type, built from the auto-configured builder; the one with
 * String ids is primary, for health, metrics and the endpoint. Spring Security is on the
 * test class path for {@link PrivateStreamIntegrationTests}; its auto-configuration is
 * excluded here, so that these endpoints stay open.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@Import({ TestApplication.PlainController.class, TestApplication.RestStreamController.class,
		TestApplication.NumberController.class })
class TestApplication {

	@Bean
	@Primary
	SseServer<String> sseServer(SseServer.Builder<String> builder, ObjectProvider<EventHistory<String>> history) {
		history.ifAvailable(builder::history);
		return builder.build();
	}

	/** Not clustered: a cluster serves one server. */
	@Bean
	SseServer<Long> numberServer(SseServer.Builder<Long> builder) {
		return builder.cluster(null).build();
	}

	@Controller
	static class PlainController {

		private final SseServer<String> server;

		PlainController(SseServer<String> server) {
			this.server = server;
		}

		@GetMapping("/mvc/events")
		SseStream<String> events(@RequestParam String user,
				@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
			return this.server.connect(user, lastEventId);
		}

	}

	@RestController
	static class RestStreamController {

		private final SseServer<String> server;

		RestStreamController(SseServer<String> server) {
			this.server = server;
		}

		@GetMapping("/rest/events")
		SseStream<String> events(@RequestParam String user,
				@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
			return this.server.connect(user, lastEventId);
		}

	}

	@RestController
	static class NumberController {

		private final SseServer<Long> server;

		NumberController(SseServer<Long> server) {
			this.server = server;
		}

		@GetMapping("/numbers/events")
		SseStream<Long> events(@RequestParam long id) {
			return this.server.connect(id, null);
		}

	}

}
