package dev.eventstream.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An incremental parser for a {@code text/event-stream}, following the WHATWG HTML
 * Standard, section 9.2.6 "Interpreting an event stream" (with the grammar of section
 * 9.2.5 "Parsing an event stream").
 *
 * <p>
 * Bytes are fed in chunks of any size; any chunking of the same bytes gives the same
 * calls to the {@link Listener}. The stream is UTF-8: malformed bytes decode to U+FFFD,
 * and one BOM at the very start of the stream is dropped, even when it is split across
 * chunks. CR, LF and CRLF all end a line, also when the CR ends one chunk and the LF
 * starts the next. A blank line dispatches the event: the last event ID is committed
 * first, then an event is passed to {@link Listener#onEvent(SseEvent)} if any
 * {@code data} was buffered. Data that never gets its blank line is never dispatched.
 *
 * <p>
 * The core is one loop over each chunk: it scans for the next CR or LF, copies the bytes
 * before it into a reusable line buffer (which grows to the longest line seen), and
 * remembers a CR that ended a chunk so that an LF starting the next chunk is not taken as
 * a second line ending. A completed line is matched against the field names as bytes, so
 * only the values of known fields and comments are decoded into strings; since CR and LF
 * never occur inside a multi-byte UTF-8 sequence, decoding each completed line on its own
 * is exact.
 *
 * <p>
 * A parser is not thread-safe; feed it from one thread at a time. If the listener throws,
 * the exception propagates from {@code feed} and the rest of that chunk is not parsed.
 *
 * @since 0.1.0
 */
public final class SseParser {

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private static final byte COLON = ':';

	private static final byte SPACE = ' ';

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	/** The state once the start of the stream has been passed, with or without a BOM. */
	private static final int BOM_DONE = -1;

	private static final int DATA = 0;

	private static final int EVENT = 1;

	private static final int ID = 2;

	private static final int RETRY = 3;

	private static final int UNKNOWN = -1;

	/**
	 * The field names a line is matched against; the index of a name is its field
	 * constant.
	 */
	private static final byte[][] FIELDS = { ascii("data"), ascii("event"), ascii("id"), ascii("retry") };

	private static final int SCRATCH_SIZE = 8192;

	private final Listener listener;

	private byte[] line = new byte[256];

	private int lineLength;

	/**
	 * Whether the last byte seen was a CR, so that an LF right after it is part of the
	 * same line ending.
	 */
	private boolean pendingCr;

	/** How many bytes of a leading BOM have been seen, or {@link #BOM_DONE}. */
	private int bomMatched;

	private byte[] scratch = new byte[0];

	private final StringBuilder data = new StringBuilder();

	private String type = "";

	private String lastEventIdBuffer;

	private String lastEventId;

	/**
	 * Creates a parser for a new stream, with no last event ID.
	 * @param listener the listener that receives events, reconnection times and comments
	 */
	public SseParser(Listener listener) {
		this(listener, null);
	}

	/**
	 * Creates a parser that starts with a last event ID carried over from a previous
	 * connection, as a client does when it reconnects; an event without an {@code id}
	 * field inherits it.
	 * @param listener the listener that receives events, reconnection times and comments
	 * @param lastEventId the last event ID of the previous connection; {@code null} or
	 * empty for none
	 * @throws IllegalArgumentException if the ID contains CR, LF or U+0000, which no
	 * stream can set
	 */
	public SseParser(Listener listener, @Nullable String lastEventId) {
		Objects.requireNonNull(listener, "'listener' must not be null");
		String initial = (lastEventId != null) ? lastEventId : "";
		if (initial.indexOf('\r') >= 0 || initial.indexOf('\n') >= 0) {
			throw new IllegalArgumentException("'lastEventId' must not contain CR or LF");
		}
		if (initial.indexOf('\0') >= 0) {
			throw new IllegalArgumentException("'lastEventId' must not contain U+0000 NULL");
		}
		this.listener = listener;
		this.lastEventIdBuffer = initial;
		this.lastEventId = initial;
	}

	/**
	 * Parses the next chunk of the stream.
	 * @param bytes the chunk
	 */
	public void feed(byte[] bytes) {
		feed(bytes, 0, bytes.length);
	}

	/**
	 * Parses the next chunk of the stream, held in part of an array.
	 * @param bytes the array
	 * @param offset the index of the first byte of the chunk
	 * @param length the number of bytes in the chunk
	 * @throws IndexOutOfBoundsException if the range is not within the array
	 */
	public void feed(byte[] bytes, int offset, int length) {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		int end = offset + length;
		int i = offset;
		if (this.bomMatched != BOM_DONE) {
			i = skipBom(bytes, i, end);
		}
		while (i < end) {
			if (this.pendingCr) {
				this.pendingCr = false;
				if (bytes[i] == LF) {
					i++;
					continue;
				}
			}
			int lineEnd = indexOfLineEnd(bytes, i, end);
			append(bytes, i, lineEnd - i);
			if (lineEnd == end) {
				return;
			}
			this.pendingCr = bytes[lineEnd] == CR;
			i = lineEnd + 1;
			processLine();
		}
	}

	/**
	 * Parses the next chunk of the stream, from the buffer's position to its limit; the
	 * buffer is consumed, its position moved to its limit.
	 * @param buffer the chunk
	 */
	public void feed(ByteBuffer buffer) {
		if (buffer.hasArray()) {
			int start = buffer.arrayOffset() + buffer.position();
			int length = buffer.remaining();
			buffer.position(buffer.limit());
			feed(buffer.array(), start, length);
			return;
		}
		while (buffer.hasRemaining()) {
			if (this.scratch.length == 0) {
				this.scratch = new byte[SCRATCH_SIZE];
			}
			int length = Math.min(buffer.remaining(), this.scratch.length);
			buffer.get(this.scratch, 0, length);
			feed(this.scratch, 0, length);
		}
	}

	/**
	 * Returns the last event ID string: the ID committed by the last blank line, which a
	 * client sends as {@code Last-Event-ID} when it reconnects.
	 * @return the last event ID, empty when there is none
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Drops one BOM at the very start of the stream, matching it byte by byte so that it
	 * may be split across chunks. If the start turns out not to be a BOM, the bytes
	 * matched so far are content.
	 */
	private int skipBom(byte[] bytes, int from, int end) {
		int i = from;
		while (i < end && this.bomMatched != BOM_DONE) {
			if (bytes[i] == BOM[this.bomMatched]) {
				i++;
				this.bomMatched++;
				if (this.bomMatched == BOM.length) {
					this.bomMatched = BOM_DONE;
				}
			}
			else {
				// Neither CR nor LF can be among the matched bytes, so they start the
				// first line.
				append(BOM, 0, this.bomMatched);
				this.bomMatched = BOM_DONE;
			}
		}
		return i;
	}

	private static int indexOfLineEnd(byte[] bytes, int from, int end) {
		for (int i = from; i < end; i++) {
			byte b = bytes[i];
			if (b == LF || b == CR) {
				return i;
			}
		}
		return end;
	}

	private void append(byte[] bytes, int from, int length) {
		int required = this.lineLength + length;
		if (required > this.line.length) {
			this.line = Arrays.copyOf(this.line, Math.max(required, this.line.length * 2));
		}
		System.arraycopy(bytes, from, this.line, this.lineLength, length);
		this.lineLength = required;
	}

	private void processLine() {
		int length = this.lineLength;
		this.lineLength = 0;
		if (length == 0) {
			dispatch();
			return;
		}
		if (this.line[0] == COLON) {
			this.listener.onComment(value(1, length));
			return;
		}
		int colon = indexOfColon(length);
		int field = field(colon);
		if (field == UNKNOWN) {
			return;
		}
		String value = (colon < length) ? value(colon + 1, length) : "";
		switch (field) {
			case DATA -> this.data.append(value).append('\n');
			case EVENT -> this.type = value;
			case ID -> {
				// WHATWG: an id containing U+0000 NULL is ignored as a whole.
				if (value.indexOf('\0') < 0) {
					this.lastEventIdBuffer = value;
				}
			}
			case RETRY -> retry(value);
			default -> throw new IllegalStateException("unknown field " + field);
		}
	}

	private int indexOfColon(int length) {
		for (int i = 0; i < length; i++) {
			if (this.line[i] == COLON) {
				return i;
			}
		}
		return length;
	}

	/**
	 * Returns the index in {@link #FIELDS} of the name in the line before
	 * {@code nameEnd}.
	 */
	private int field(int nameEnd) {
		for (int f = 0; f < FIELDS.length; f++) {
			if (Arrays.equals(this.line, 0, nameEnd, FIELDS[f], 0, FIELDS[f].length)) {
				return f;
			}
		}
		return UNKNOWN;
	}

	/**
	 * Decodes the value that starts at {@code from}, without its one optional leading
	 * space.
	 */
	private String value(int from, int to) {
		int start = (from < to && this.line[from] == SPACE) ? from + 1 : from;
		return new String(this.line, start, to - start, StandardCharsets.UTF_8);
	}

	private void retry(String value) {
		// WHATWG: only ASCII digits are honoured; a value too large for a long is ignored
		// as well.
		if (value.isEmpty()) {
			return;
		}
		long millis = 0;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return;
			}
			int digit = c - '0';
			if (millis > (Long.MAX_VALUE - digit) / 10) {
				return;
			}
			millis = millis * 10 + digit;
		}
		this.listener.onRetry(Duration.ofMillis(millis));
	}

	private void dispatch() {
		this.lastEventId = this.lastEventIdBuffer;
		if (this.data.length() == 0) {
			this.type = "";
			return;
		}
		// Every data line appended an LF; the last one is not part of the data.
		String eventData = this.data.substring(0, this.data.length() - 1);
		String eventType = this.type.isEmpty() ? "message" : this.type;
		this.data.setLength(0);
		this.type = "";
		String id = this.lastEventId.isEmpty() ? null : this.lastEventId;
		this.listener.onEvent(new SseEvent(id, eventType, eventData, null, null));
	}

	private static byte[] ascii(String s) {
		return s.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A callback for what a {@link SseParser} reads from the stream.
	 *
	 * @since 0.1.0
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Receives a dispatched event. Its {@code id} is the last event ID at dispatch
		 * time ({@code null} when empty), its {@code event} the type ({@code message} by
		 * default), and its {@code data} the data lines joined with LF; {@code retry} and
		 * {@code comment} are {@code null}.
		 * @param event the event
		 */
		void onEvent(SseEvent event);

		/**
		 * Receives a valid {@code retry} field, as soon as its line is read: the
		 * reconnection time the server asks for. Does nothing by default.
		 * @param retry the reconnection time, in whole milliseconds
		 */
		default void onRetry(Duration retry) {
		}

		/**
		 * Receives a comment line, as soon as it is read, without its leading colon and
		 * one optional space after it. Does nothing by default.
		 * @param comment the comment text, possibly empty
		 */
		default void onComment(String comment) {
		}

	}

}
