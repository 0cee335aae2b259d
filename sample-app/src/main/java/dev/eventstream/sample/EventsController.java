package dev.eventstream.sample;

import java.util.List;
import java.util.Map;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP API of the contract: one event stream per user (following any topics), a
 * broadcast and a message to one user.
 */
@RestController
class EventsController {

	private final SseServer<String> server;

	EventsController(SseServer<String> server) {
		this.server = server;
	}

	@GetMapping("/events")
	SseStream<String> events(@RequestParam(required = false) @Nullable String user,
			@RequestParam MultiValueMap<String, String> parameters,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
		if (user == null || user.isBlank()) {
			throw badRequest("'user' must be a non-blank string");
		}
		try {
			// Each topic parameter is one name, commas and all: no conversion that splits
			// it.
			List<String> topics = parameters.getOrDefault("topic", List.of());
			return this.server.connect(user, lastEventId, topics);
		}
		catch (IllegalArgumentException ex) {
			throw badRequest(ex.getMessage());
		}
	}

	@PostMapping(path = "/events", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> broadcast(@RequestBody JsonNode body) {
		String id = this.server.broadcast(toEvent(body));
		return accepted(id);
	}

	@PostMapping(path = "/events/{user}", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> sendToUser(@PathVariable String user, @RequestBody JsonNode body) {
		SseEvent event = toEvent(body);
		String id = this.server.send(user, event).orElseThrow(() -> {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
					"User '" + user + "' has no open connection");
			return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
		});
		return accepted(id);
	}

	static SseEvent toEvent(JsonNode body) {
		if (!body.isObject()) {
			throw badRequest("body must be a JSON object like {\"event\": \"NAME\", \"data\": VALUE}");
		}
		JsonNode event = body.get("event");
		String name = null;
		if (event != null && !event.isNull()) {
			if (!event.isString()) {
				throw badRequest("'event' must be a string");
			}
			name = event.asString();
			if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
				throw badRequest("'event' must not contain CR or LF");
			}
		}
		JsonNode data = body.get("data");
		if (data == null || data.isNull()) {
			throw badRequest("'data' is required and must not be null");
		}
		String text = data.isString() ? data.asString() : data.toString();
		return new SseEvent(null, name, text, null, null);
	}

	static ResponseEntity<Map<String, String>> accepted(String id) {
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("id", id));
	}

	static ErrorResponseException badRequest(@Nullable String detail) {
		return new ErrorResponseException(HttpStatus.BAD_REQUEST,
				ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), null);
	}

}
