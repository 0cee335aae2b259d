package dev.eventstream.sample;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The topics part of the contract: publishing to a topic's subscribers, and who is
 * present in it.
 */
@RestController
class TopicsController {

	private final SseServer<String> server;

	TopicsController(SseServer<String> server) {
		this.server = server;
	}

	@PostMapping(path = "/topics/{name}/events", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> publish(@PathVariable String name, @RequestBody JsonNode body) {
		SseEvent event = EventsController.toEvent(body);
		try {
			return EventsController.accepted(this.server.sendToTopic(name, event));
		}
		catch (IllegalArgumentException ex) {
			throw EventsController.badRequest(ex.getMessage());
		}
	}

	@GetMapping(path = "/topics/{name}/presence", produces = MediaType.APPLICATION_JSON_VALUE)
	Presence presence(@PathVariable String name) {
		try {
			return new Presence(name, new TreeSet<>(this.server.presence(name)));
		}
		catch (IllegalArgumentException ex) {
			throw EventsController.badRequest(ex.getMessage());
		}
	}

	/**
	 * Who is in a topic: the users with at least one open connection subscribed to it,
	 * sorted.
	 */
	record Presence(String topic, Set<String> users) {
	}

}
