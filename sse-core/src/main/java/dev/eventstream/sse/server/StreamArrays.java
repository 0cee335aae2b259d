package dev.eventstream.sse.server;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Copy-on-write arrays of streams: a source's connections and a topic's subscribers,
 * changed inside a registry compute and read without a lock by the fan-out.
 */
final class StreamArrays {

	private StreamArrays() {
	}

	/** Returns a copy of the array with the stream added at the end. */
	static <T> SseStream<T>[] with(SseStream<T>[] streams, SseStream<T> stream) {
		SseStream<T>[] next = Arrays.copyOf(streams, streams.length + 1);
		next[streams.length] = stream;
		return next;
	}

	/**
	 * Returns a copy of the array without the stream, or {@code null} when it does not
	 * hold it.
	 */
	static <T> SseStream<T> @Nullable [] without(SseStream<T>[] streams, SseStream<T> stream) {
		for (int i = 0; i < streams.length; i++) {
			if (streams[i] == stream) {
				SseStream<T>[] next = Arrays.copyOf(streams, streams.length - 1);
				System.arraycopy(streams, i + 1, next, i, streams.length - i - 1);
				return next;
			}
		}
		return null;
	}

}
