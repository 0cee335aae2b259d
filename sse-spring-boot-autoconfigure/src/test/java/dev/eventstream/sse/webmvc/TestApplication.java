package dev.eventstream.sse.webmvc;

import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application with one stream endpoint per controller style and source id type. Spring Security
 * is on the test class path for {@link PrivateStreamIntegrationTests}; its auto-configuration is
 * excluded here, so that these endpoints stay open.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@Import({ TestApplication.PlainController.class, TestApplication.RestStreamController.class,
		TestApplication.NumberController.class })
class TestApplication {

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
