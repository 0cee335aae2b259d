package dev.eventstream.benchmarks.starter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishing to many topics in one request, for the harness's batched topic phase, so
 * that what is measured is the starter's topic fan-out rather than one HTTP request per
 * event: {@code POST /bench/topics/events} with a {@code text/plain} body of one event
 * per line, {@code TOPIC DATA} (the topic name, one space, then the data up to the end of
 * the line), publishes each event with {@link SseServer#sendToTopic} in the body's order,
 * timing each call, and answers {@code 202} with {@code {"ids": N, "publishMicros":
 * {"p50": ..., "p99": ..., "max": ...}, "nanos": [...]}}: the ids assigned, the calls'
 * times in microseconds, and each call's time in nanoseconds in the body's order (so a
 * client can combine batches). A malformed line or an empty body answers {@code 400}
 * before anything is published; a topic name the server refuses answers {@code 400} with
 * what was published before it.
 */
@RestController
class TopicBatchController {

	private final SseServer<String> server;

	TopicBatchController(SseServer<String> server) {
		this.server = server;
	}

	@PostMapping(path = "/bench/topics/events", consumes = MediaType.TEXT_PLAIN_VALUE)
	ResponseEntity<Answer> publish(@RequestBody String body) {
		List<String> topics = new ArrayList<>();
		List<String> data = new ArrayList<>();
		int from = 0;
		while (from < body.length()) {
			int end = body.indexOf('\n', from);
			if (end < 0) {
				end = body.length();
			}
			int lineEnd = (end > from && body.charAt(end - 1) == '\r') ? end - 1 : end;
			if (lineEnd > from) {
				int space = body.indexOf(' ', from);
				if (space <= from || space >= lineEnd) {
					return ResponseEntity.badRequest().build();
				}
				topics.add(body.substring(from, space));
				data.add(body.substring(space + 1, lineEnd));
			}
			from = end + 1;
		}
		if (topics.isEmpty()) {
			return ResponseEntity.badRequest().build();
		}
		long[] nanos = new long[topics.size()];
		for (int i = 0; i < nanos.length; i++) {
			SseEvent event = SseEvent.of(data.get(i));
			long start = System.nanoTime();
			try {
				this.server.sendToTopic(topics.get(i), event);
			}
			catch (IllegalArgumentException ex) {
				return ResponseEntity.badRequest().body(Answer.of(Arrays.copyOf(nanos, i)));
			}
			nanos[i] = System.nanoTime() - start;
		}
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Answer.of(nanos));
	}

	/**
	 * The answer to a batch.
	 *
	 * @param ids how many events were published (an id assigned to each)
	 * @param publishMicros the publish calls' times
	 * @param nanos each publish call's time in nanoseconds, in the body's order
	 */
	record Answer(int ids, Micros publishMicros, long[] nanos) {

		static Answer of(long[] nanos) {
			long[] sorted = nanos.clone();
			Arrays.sort(sorted);
			return new Answer(nanos.length, new Micros(micros(sorted, 0.5), micros(sorted, 0.99),
					(sorted.length > 0) ? round(sorted[sorted.length - 1]) : 0), nanos);
		}

		private static double micros(long[] sorted, double fraction) {
			if (sorted.length == 0) {
				return 0;
			}
			int rank = (int) Math.max(1, Math.ceil(fraction * sorted.length));
			return round(sorted[rank - 1]);
		}

		private static double round(long nanos) {
			return Math.round(nanos / 100.0) / 10.0;
		}

	}

	/**
	 * Times of publish calls in microseconds.
	 *
	 * @param p50 the median
	 * @param p99 the 99th percentile
	 * @param max the longest
	 */
	record Micros(double p50, double p99, double max) {

	}

}
