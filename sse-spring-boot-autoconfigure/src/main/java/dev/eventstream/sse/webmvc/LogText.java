package dev.eventstream.sse.webmvc;

import org.jspecify.annotations.Nullable;

/**
 * Text of a value for a log message, cut to a bounded length: source ids come from
 * applications and clients, and one of them must not produce a huge log line.
 */
final class LogText {

	private static final int MAX_LENGTH = 200;

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
