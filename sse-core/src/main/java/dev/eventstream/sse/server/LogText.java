package dev.eventstream.sse.server;

import org.jspecify.annotations.Nullable;

/**
 * Text of a value for a log message, cut to a bounded length: source ids and
 * {@code Last-Event-ID} values come from applications and clients, and one of them must
 * not produce a huge log line.
 */
final class LogText {

	static final int MAX_LENGTH = 200;

	private LogText() {
	}

	static String of(@Nullable Object value) {
		String text = String.valueOf(value);
		if (text.length() <= MAX_LENGTH) {
			return text;
		}
		return text.substring(0, MAX_LENGTH) + "... (" + text.length() + " chars)";
	}

}
