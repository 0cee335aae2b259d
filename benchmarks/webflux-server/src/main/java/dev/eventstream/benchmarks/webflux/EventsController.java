package dev.eventstream.benchmarks.webflux;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The usual reactive broadcaster: one multicast sink, every client subscribes to it.
 * {@code GET /bench/connections} answers how many subscribers the sink has.
 */
@RestController
class EventsController {

	// autoCancel false: with the default, the sink terminates for good once the last
	// client leaves.
	private final Sinks.Many<ServerSentEvent<String>> sink = Sinks.many().multicast().onBackpressureBuffer(256, false);

	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> events(@RequestParam String user) {
		return this.sink.asFlux();
	}

	@PostMapping("/events")
	Mono<ResponseEntity<Void>> broadcast(@RequestBody String data) {
		this.sink.tryEmitNext(ServerSentEvent.builder(data).build());
		return Mono.just(ResponseEntity.accepted().build());
	}

	@GetMapping("/bench/connections")
	Mono<Integer> connections() {
		return Mono.fromSupplier(this.sink::currentSubscriberCount);
	}

}
