package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Publishes events to topics in batches, {@code POST /bench/topics/events} with one line
 * {@code t{j} DATA} per event, over one keep-alive connection, waiting for each answer
 * before the next batch (so the events of a topic are published in order). Event
 * {@code k} of a phase goes to topic {@code k % topics}, as with {@link TopicPublisher};
 * consecutive events are grouped in batches of a tenth of a second's worth (the rate over
 * {@value #BATCHES_PER_SECOND}, rounded up), each sent at the due time of its last event,
 * as a publisher gathering events for a tenth of a second would (so the phase spans the
 * same time as one POST per event), and each event counts as published when its batch is
 * sent. The server publishes each line with {@code sendToTopic} and answers each call's
 * time, collected here.
 */
final class TopicBatchPublisher implements AutoCloseable {

	static final String PATH = "/bench/topics/events";

	static final int BATCHES_PER_SECOND = 10;

	private final Publisher publisher;

	TopicBatchPublisher(InetSocketAddress server) {
		this.publisher = new Publisher(server);
	}

	/** Returns how many events a batch holds at the given total rate. */
	static int batchSize(double perSecond) {
		return (int) Math.max(1, Math.ceil(perSecond / BATCHES_PER_SECOND));
	}

	/**
	 * Publishes up to {@code count} events of the phase at {@code perSecond} in all,
	 * round-robin over {@code topics}, in batches; stops at the time limit or at the
	 * first failure.
	 */
	TopicPublisher.Result publish(Phase phase, int count, double perSecond, int topics, int payloadBytes,
			Duration limit) {
		int size = batchSize(perSecond);
		BitSet acked = new BitSet(count);
		Histogram postMicros = new Histogram();
		Histogram callNanos = new Histogram();
		String failure = null;
		long start = System.nanoTime();
		long deadline = start + limit.toNanos();
		long end = start;
		StringBuilder body = new StringBuilder();
		for (int first = 0; first < count; first += size) {
			int last = Math.min(count, first + size);
			long due = start + (long) ((last - 1) * 1e9 / perSecond);
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			if (System.nanoTime() > deadline) {
				break;
			}
			body.setLength(0);
			for (int k = first; k < last; k++) {
				body.append('t').append(k % topics).append(' ').append(phase.data(k, payloadBytes)).append('\n');
			}
			long sent = System.nanoTime();
			for (int k = first; k < last; k++) {
				phase.publishedNanos.set(k, sent);
			}
			try {
				Publisher.Answer answer = this.publisher.postForAnswer(PATH, "text/plain;charset=UTF-8",
						body.toString(), Duration.ofNanos(Math.max(deadline - sent, 1_000_000_000L)));
				end = System.nanoTime();
				postMicros.record((end - sent) / 1000);
				if (answer.status() / 100 != 2) {
					failure = "POST answered " + answer.status();
					break;
				}
				long[] calls = numbers(answer.body(), "nanos");
				Long ids = number(answer.body(), "ids");
				if (ids == null || ids != last - first || calls.length != last - first) {
					failure = "a batch of " + (last - first) + " events answered " + ids + " ids and " + calls.length
							+ " publish times";
					break;
				}
				for (long call : calls) {
					callNanos.record(call);
				}
				acked.set(first, last);
			}
			catch (IOException | RuntimeException ex) {
				end = System.nanoTime();
				failure = ((ex instanceof SocketTimeoutException) ? "POST timed out: " : "POST failed: ")
						+ ex.getMessage();
				this.publisher.close();
				break;
			}
		}
		return new TopicPublisher.Result(acked, end - start, postMicros, callNanos, failure);
	}

	/**
	 * Returns the whole number a JSON object holds under the name (at any depth), or
	 * {@code null}: enough for the server's answer.
	 */
	static @Nullable Long number(String json, String name) {
		int at = json.indexOf("\"" + name + "\"");
		if (at < 0) {
			return null;
		}
		int i = json.indexOf(':', at) + 1;
		while (i > 0 && i < json.length() && json.charAt(i) == ' ') {
			i++;
		}
		int from = i;
		while (i < json.length() && (Character.isDigit(json.charAt(i)) || (i == from && json.charAt(i) == '-'))) {
			i++;
		}
		return (i > from) ? Long.parseLong(json.substring(from, i)) : null;
	}

	/**
	 * Returns the array of whole numbers a JSON object holds under the name, or an empty
	 * array.
	 */
	static long[] numbers(String json, String name) {
		int at = json.indexOf("\"" + name + "\"");
		int open = (at < 0) ? -1 : json.indexOf('[', at);
		int close = (open < 0) ? -1 : json.indexOf(']', open);
		if (close < 0) {
			return new long[0];
		}
		String items = json.substring(open + 1, close).trim();
		if (items.isEmpty()) {
			return new long[0];
		}
		String[] parts = items.split(",");
		long[] values = new long[parts.length];
		for (int i = 0; i < parts.length; i++) {
			values[i] = Long.parseLong(parts[i].trim());
		}
		return values;
	}

	@Override
	public void close() {
		this.publisher.close();
	}

}
