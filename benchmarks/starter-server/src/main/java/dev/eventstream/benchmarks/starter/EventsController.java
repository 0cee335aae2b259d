package dev.eventstream.benchmarks.starter;

import java.util.List;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The benchmark API on the starter: a stream per user (following the {@code topic}
 * parameters, if any), a broadcast of the request body as data, and the count of open
 * streams.
 */
@RestController
class EventsController {

	private final SseServer<String> server;

	EventsController(SseServer<String> server) {
		this.server = server;
	}

	@GetMapping("/events")
	SseStream<String> events(@RequestParam String user,
			@RequestParam(name = "topic", required = false) @Nullable List<String> topics,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
		return (topics == null || topics.isEmpty()) ? this.server.connect(user, lastEventId)
				: this.server.connect(user, lastEventId, topics);
	}

	@PostMapping("/events")
	ResponseEntity<Void> broadcast(@RequestBody String data) {
		this.server.broadcast(SseEvent.of(data));
		return ResponseEntity.accepted().build();
	}

	@GetMapping("/bench/connections")
	int connections() {
		return this.server.connectionCount();
	}

}
