package dev.eventstream.sse.server;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One frame as a client would read it from the recorded bytes: a deliberately tiny reader
 * for tests, independent of the library's parser. Frames end with a blank line; every
 * line ends with LF.
 *
 * @param id the {@code id} field, or {@code null}
 * @param event the {@code event} field, or {@code null}
 * @param data the {@code data} lines joined with LF, or {@code null} when there was none
 * @param retry the {@code retry} field, or {@code null}
 * @param comment the comment lines joined with LF, or {@code null} when there was none
 */
record RecordedFrame(@Nullable String id, @Nullable String event, @Nullable String data, @Nullable String retry,
		@Nullable String comment) {

	/** Splits the text on blank lines; an unfinished last frame is left out. */
	static List<RecordedFrame> parse(String text) {
		List<RecordedFrame> frames = new ArrayList<>();
		int start = 0;
		int end;
		while ((end = text.indexOf("\n\n", start)) >= 0) {
			frames.add(parseFrame(text.substring(start, end)));
			start = end + 2;
		}
		return frames;
	}

	private static RecordedFrame parseFrame(String block) {
		String id = null;
		String event = null;
		String retry = null;
		StringBuilder data = null;
		StringBuilder comment = null;
		for (String line : block.split("\n", -1)) {
			int colon = line.indexOf(':');
			String name = (colon >= 0) ? line.substring(0, colon) : line;
			String value = (colon >= 0) ? line.substring(colon + 1) : "";
			if (value.startsWith(" ")) {
				value = value.substring(1);
			}
			switch (name) {
				case "" -> comment = append(comment, value);
				case "id" -> id = value;
				case "event" -> event = value;
				case "data" -> data = append(data, value);
				case "retry" -> retry = value;
				default -> throw new IllegalStateException("unexpected line '" + line + "' in frame '" + block + "'");
			}
		}
		return new RecordedFrame(id, event, (data != null) ? data.toString() : null, retry,
				(comment != null) ? comment.toString() : null);
	}

	private static StringBuilder append(@Nullable StringBuilder lines, String value) {
		if (lines == null) {
			return new StringBuilder(value);
		}
		return lines.append('\n').append(value);
	}

	/** Whether a client would dispatch this frame: it carries data. */
	boolean isEvent() {
		return this.data != null;
	}

	/** Whether this frame only sets the client's last event id: the priming frame. */
	boolean isIdOnly() {
		return this.id != null && this.event == null && this.data == null && this.retry == null && this.comment == null;
	}

	boolean isComment() {
		return this.comment != null && this.id == null && this.event == null && this.data == null && this.retry == null;
	}

}
