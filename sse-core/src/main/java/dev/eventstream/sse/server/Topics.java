package dev.eventstream.sse.server;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** The rules for topic names and for the topics of one connection. */
final class Topics {

	static final int MAX_NAME_LENGTH = 200;

	private Topics() {
	}

	/**
	 * Checks a topic name: not blank, at most {@value #MAX_NAME_LENGTH} characters, no
	 * control characters (U+0000 to U+001F and U+007F).
	 */
	static String requireValid(String topic) {
		if (topic.isBlank()) {
			throw new IllegalArgumentException("'topic' must not be blank");
		}
		if (topic.length() > MAX_NAME_LENGTH) {
			throw new IllegalArgumentException("'topic' must be at most " + MAX_NAME_LENGTH + " characters long");
		}
		for (int i = 0; i < topic.length(); i++) {
			char c = topic.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				throw new IllegalArgumentException("'topic' must not contain control characters");
			}
		}
		return topic;
	}

	/**
	 * Returns the valid, distinct topics of one connection, in their order, at most
	 * {@code max} of them.
	 */
	static Set<String> of(Collection<String> topics, int max) {
		Objects.requireNonNull(topics, "'topics' must not be null");
		Set<String> valid = new LinkedHashSet<>();
		for (String topic : topics) {
			valid.add(requireValid(Objects.requireNonNull(topic, "'topics' must not contain null")));
		}
		if (valid.size() > max) {
			throw new IllegalArgumentException("'topics' must hold at most " + max + " topics per connection");
		}
		return Collections.unmodifiableSet(valid);
	}

}
