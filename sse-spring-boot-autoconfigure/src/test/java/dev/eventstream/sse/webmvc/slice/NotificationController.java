package dev.eventstream.sse.webmvc.slice;

import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class NotificationController {

	private final SseServer<String> server;

	NotificationController(SseServer<String> server) {
		this.server = server;
	}

	@GetMapping("/notifications")
	SseStream<String> notifications(@RequestParam String user) {
		return this.server.connect(user, null);
	}

}
