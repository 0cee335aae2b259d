package dev.eventstream.sse.client;

import java.nio.ByteBuffer;

/**
 * Counts the bytes of the event being received, so that a hostile or broken server cannot
 * make the client buffer without bound.
 *
 * <p>
 * The count is of every byte since the last blank line (the end of an event), line
 * endings excluded, except for comment lines, which the parser does not keep. It
 * therefore bounds both the longest line and the data buffer of one event. It scans the
 * same bytes as the parser, with the same line endings: CR, LF, or CRLF, also when split
 * across chunks.
 */
final class EventSizeLimit {

	private final long maxBytes;

	private long count;

	private boolean atLineStart = true;

	private boolean inComment;

	private boolean pendingCr;

	EventSizeLimit(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * Counts the bytes from the buffer's position to its limit, without moving its
	 * position.
	 * @param buffer the next chunk of the stream
	 * @return whether the current event is still within the limit
	 */
	boolean accept(ByteBuffer buffer) {
		for (int i = buffer.position(); i < buffer.limit(); i++) {
			byte b = buffer.get(i);
			if (this.pendingCr) {
				this.pendingCr = false;
				if (b == '\n') {
					continue;
				}
			}
			if (b == '\r' || b == '\n') {
				this.pendingCr = b == '\r';
				if (this.atLineStart) {
					this.count = 0;
				}
				this.atLineStart = true;
				this.inComment = false;
				continue;
			}
			if (this.atLineStart) {
				this.atLineStart = false;
				this.inComment = b == ':';
			}
			if (!this.inComment && ++this.count > this.maxBytes) {
				return false;
			}
		}
		return true;
	}

}
