package dev.eventstream.benchmarks.mvc;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The usual hand-written broadcaster: a concurrent set of emitters, and a loop that sends
 * to each. {@code GET /bench/connections} answers how many emitters the set holds.
 */
@RestController
class EventsController {

	private final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();

	@GetMapping("/events")
	SseEmitter events(@RequestParam String user) {
		SseEmitter emitter = new SseEmitter(Long.MAX_VALUE);
		this.emitters.add(emitter);
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onTimeout(() -> this.emitters.remove(emitter));
		emitter.onError((ex) -> this.emitters.remove(emitter));
		return emitter;
	}

	@PostMapping("/events")
	ResponseEntity<Void> broadcast(@RequestBody String data) {
		for (SseEmitter emitter : this.emitters) {
			try {
				emitter.send(SseEmitter.event().data(data));
			}
			catch (IOException | IllegalStateException ex) {
				this.emitters.remove(emitter);
			}
		}
		return ResponseEntity.accepted().build();
	}

	@GetMapping("/bench/connections")
	int connections() {
		return this.emitters.size();
	}

}
