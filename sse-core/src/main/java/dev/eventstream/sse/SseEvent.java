package dev.eventstream.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One event of an event stream: the fields a server writes and a client dispatches.
 *
 * <p>
 * Every field is optional, but an event has at least one. Values that would break the
 * framing of the stream are rejected here, so that every {@code SseEvent} can be encoded
 * safely: CR or LF in {@code id} or {@code event}, U+0000 in {@code id}, and a
 * {@code retry} that is negative or too long to write in whole milliseconds as a
 * {@code long}. {@code data} and {@code comment} may hold newlines of any kind; they
 * become several lines. An empty {@code event} means the default type {@code message} and
 * is stored as {@code null}.
 *
 * @param id the event id, which the client sends back as {@code Last-Event-ID}; empty
 * resets it
 * @param event the event type; {@code null} for the default type {@code message}
 * @param data the data, possibly empty or spanning several lines; {@code null} writes no
 * data line
 * @param retry the reconnection time the client should use, in whole milliseconds
 * @param comment a comment, invisible to clients; used as a keep-alive
 * @since 0.1.0
 */
public record SseEvent(@Nullable String id, @Nullable String event, @Nullable String data, @Nullable Duration retry,
		@Nullable String comment) {

	/**
	 * The longest retry whose whole milliseconds fit in a {@code long}, so that it can be
	 * encoded.
	 */
	private static final Duration MAX_RETRY = Duration.ofMillis(Long.MAX_VALUE).plusNanos(999_999);

	/**
	 * Checks every field against the framing rules.
	 * @throws IllegalArgumentException naming the field and the rule it breaks
	 */
	public SseEvent {
		if (id != null) {
			requireSingleLine("id", id);
			if (id.indexOf('\0') >= 0) {
				throw new IllegalArgumentException("'id' must not contain U+0000 NULL");
			}
		}
		if (event != null) {
			requireSingleLine("event", event);
			if (event.isEmpty()) {
				event = null;
			}
		}
		if (retry != null) {
			if (retry.isNegative()) {
				throw new IllegalArgumentException("'retry' must not be negative");
			}
			if (retry.compareTo(MAX_RETRY) > 0) {
				throw new IllegalArgumentException("'retry' must not exceed Long.MAX_VALUE milliseconds");
			}
		}
		if (id == null && event == null && data == null && retry == null && comment == null) {
			throw new IllegalArgumentException(
					"an event needs at least one of 'id', 'event', 'data', 'retry' or 'comment'");
		}
	}

	/**
	 * Creates an unnamed event (type {@code message}) carrying the given data.
	 * @param data the data, possibly empty or spanning several lines
	 * @return the event
	 */
	public static SseEvent of(String data) {
		return new SseEvent(null, null, data, null, null);
	}

	/**
	 * Creates an event of the given type carrying the given data.
	 * @param event the event type; empty for {@code message}
	 * @param data the data, possibly empty or spanning several lines
	 * @return the event
	 */
	public static SseEvent of(String event, String data) {
		return new SseEvent(null, event, data, null, null);
	}

	/**
	 * Creates an event that holds only a comment, which clients ignore.
	 * @param comment the comment text, possibly spanning several lines
	 * @return the event
	 */
	public static SseEvent comment(String comment) {
		return new SseEvent(null, null, null, null, comment);
	}

	/**
	 * Returns a builder for an event with several fields.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a copy of this event with the given id.
	 * @param id the new id
	 * @return the copy
	 */
	public SseEvent withId(@Nullable String id) {
		return new SseEvent(id, this.event, this.data, this.retry, this.comment);
	}

	private static void requireSingleLine(String field, String value) {
		if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
			throw new IllegalArgumentException("'" + field + "' must not contain CR or LF");
		}
	}

	/**
	 * Builds an {@link SseEvent} field by field; {@link #build()} applies the same checks
	 * as the record's constructor.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private @Nullable String id;

		private @Nullable String event;

		private @Nullable String data;

		private @Nullable Duration retry;

		private @Nullable String comment;

		private Builder() {
		}

		/**
		 * Sets the event id.
		 * @param id the id; must not contain CR, LF or U+0000
		 * @return this builder
		 */
		public Builder id(@Nullable String id) {
			this.id = id;
			return this;
		}

		/**
		 * Sets the event type.
		 * @param event the type; must not contain CR or LF
		 * @return this builder
		 */
		public Builder event(@Nullable String event) {
			this.event = event;
			return this;
		}

		/**
		 * Sets the data.
		 * @param data the data, possibly empty or spanning several lines
		 * @return this builder
		 */
		public Builder data(@Nullable String data) {
			this.data = data;
			return this;
		}

		/**
		 * Sets the reconnection time.
		 * @param retry the time; must not be negative
		 * @return this builder
		 */
		public Builder retry(@Nullable Duration retry) {
			this.retry = retry;
			return this;
		}

		/**
		 * Sets the comment.
		 * @param comment the comment, possibly spanning several lines
		 * @return this builder
		 */
		public Builder comment(@Nullable String comment) {
			this.comment = comment;
			return this;
		}

		/**
		 * Builds the event.
		 * @return the event
		 * @throws IllegalArgumentException if a field breaks a framing rule
		 */
		public SseEvent build() {
			return new SseEvent(this.id, this.event, this.data, this.retry, this.comment);
		}

	}

}
