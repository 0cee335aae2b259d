package dev.eventstream.benchmarks.starter;

import java.util.Map;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishing to a topic, as in the sample app's contract: {@code POST
 * /topics/{name}/events} with {@code {"event": NAME, "data": VALUE}} answers {@code 202}
 * with {@code {"id": ...}}. Bad bodies and topic names answer {@code 400}.
 */
@RestController
class TopicsController {

	private final SseServer<String> server;

	TopicsController(SseServer<String> server) {
		this.server = server;
	}

	@PostMapping(path = "/topics/{name}/events", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> publish(@PathVariable String name, @RequestBody JsonNode body) {
		JsonNode data = body.get("data");
		JsonNode event = body.get("event");
		if (!body.isObject() || data == null || data.isNull()
				|| (event != null && !event.isNull() && !event.isString())) {
			return ResponseEntity.badRequest().build();
		}
		String eventName = (event != null && event.isString()) ? event.asString() : null;
		if (eventName != null && (eventName.indexOf('\n') >= 0 || eventName.indexOf('\r') >= 0)) {
			return ResponseEntity.badRequest().build();
		}
		String text = data.isString() ? data.asString() : data.toString();
		try {
			String id = this.server.sendToTopic(name, new SseEvent(null, eventName, text, null, null));
			return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("id", id));
		}
		catch (IllegalArgumentException ex) {
			return ResponseEntity.badRequest().build();
		}
	}

}
