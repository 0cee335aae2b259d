package dev.eventstream.sse;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Encodes an {@link SseEvent} into the bytes of one frame of a {@code text/event-stream},
 * as the WHATWG HTML Standard, section 9.2.5 "Parsing an event stream", reads them.
 *
 * <p>
 * The frame is UTF-8 without a BOM, every line ends with LF, and the fields come in a
 * fixed order: comment lines, {@code event}, {@code id}, {@code retry} (whole
 * milliseconds), one {@code data} line per line of data, then the blank line that
 * dispatches the event. CR, LF and CRLF inside {@code data} or {@code comment} all start
 * a new line, so a client reassembles the data with LF. A non-empty value is written
 * after a single space, which the client strips, so a value that starts with a space
 * keeps it. Empty data is one {@code data:} line (a client dispatches it with empty
 * data); absent data writes no {@code data} line.
 *
 * <p>
 * The frame is computed into one exactly sized array, so an event is encoded once and the
 * same bytes are shared by every connection that receives it.
 *
 * @since 0.1.0
 */
public final class SseEncoder {

	private SseEncoder() {
	}

	/**
	 * Encodes the event.
	 * @param event the event; its fields were checked when it was created
	 * @return the frame, ending with a blank line; callers must not modify it
	 */
	public static byte[] encode(SseEvent event) {
		Frame counter = new Frame(null);
		write(event, counter);
		Frame frame = new Frame(new byte[counter.position]);
		write(event, frame);
		return frame.bytes();
	}

	/**
	 * Returns where the {@code id} line of the event's frame starts: after its comment
	 * and {@code event} lines. A frame encoded without an id gets one by inserting the
	 * line there, which gives the same bytes as encoding the event with that id.
	 * @param event the event
	 * @return the offset in bytes
	 */
	public static int idOffset(SseEvent event) {
		Frame counter = new Frame(null);
		writeHead(event, counter);
		return counter.position;
	}

	private static void writeHead(SseEvent event, Frame frame) {
		if (event.comment() != null) {
			frame.lines("", event.comment());
		}
		if (event.event() != null) {
			frame.field("event", event.event());
		}
	}

	private static void write(SseEvent event, Frame frame) {
		writeHead(event, frame);
		if (event.id() != null) {
			frame.field("id", event.id());
		}
		Duration retry = event.retry();
		if (retry != null) {
			frame.field("retry", Long.toString(retry.toMillis()));
		}
		if (event.data() != null) {
			frame.lines("data", event.data());
		}
		frame.lineFeed();
	}

	/**
	 * Writes UTF-8 into an array, or only counts the bytes when it has none.
	 */
	private static final class Frame {

		private static final byte LF = '\n';

		private final byte @Nullable [] out;

		private int position;

		Frame(byte @Nullable [] out) {
			this.out = out;
		}

		/** Writes one line per line of a value that may hold CR, LF or CRLF. */
		void lines(String name, String value) {
			int start = 0;
			int length = value.length();
			for (int i = 0; i < length; i++) {
				char c = value.charAt(i);
				if (c == '\r' || c == '\n') {
					line(name, value, start, i);
					if (c == '\r' && i + 1 < length && value.charAt(i + 1) == '\n') {
						i++;
					}
					start = i + 1;
				}
			}
			line(name, value, start, length);
		}

		void field(String name, String value) {
			line(name, value, 0, value.length());
		}

		private void line(String name, String value, int from, int to) {
			ascii(name);
			put((byte) ':');
			if (from < to) {
				put((byte) ' ');
				utf8(value, from, to);
			}
			lineFeed();
		}

		void lineFeed() {
			put(LF);
		}

		private void ascii(String s) {
			for (int i = 0; i < s.length(); i++) {
				put((byte) s.charAt(i));
			}
		}

		private void utf8(String s, int from, int to) {
			for (int i = from; i < to; i++) {
				char c = s.charAt(i);
				if (c < 0x80) {
					put((byte) c);
				}
				else if (c < 0x800) {
					put((byte) (0xC0 | (c >> 6)));
					put((byte) (0x80 | (c & 0x3F)));
				}
				else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
					int cp = Character.toCodePoint(c, s.charAt(++i));
					put((byte) (0xF0 | (cp >> 18)));
					put((byte) (0x80 | ((cp >> 12) & 0x3F)));
					put((byte) (0x80 | ((cp >> 6) & 0x3F)));
					put((byte) (0x80 | (cp & 0x3F)));
				}
				else if (Character.isSurrogate(c)) {
					// An unpaired surrogate has no UTF-8 form; String.getBytes writes '?'
					// as well.
					put((byte) '?');
				}
				else {
					put((byte) (0xE0 | (c >> 12)));
					put((byte) (0x80 | ((c >> 6) & 0x3F)));
					put((byte) (0x80 | (c & 0x3F)));
				}
			}
		}

		private void put(byte b) {
			if (this.out != null) {
				this.out[this.position] = b;
			}
			this.position++;
		}

		byte[] bytes() {
			if (this.out == null) {
				throw new IllegalStateException("counting frame has no bytes");
			}
			return this.out;
		}

	}

}
