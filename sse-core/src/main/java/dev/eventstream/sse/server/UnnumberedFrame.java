package dev.eventstream.sse.server;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;

/**
 * An encoded event whose id is not assigned yet: its frame without an {@code id} line,
 * and where that line goes. A cluster stores it when an event is published and each
 * server inserts the id the cluster assigned, which gives exactly the bytes of the event
 * encoded with that id: the payload is marshalled and encoded once, on the server that
 * published it.
 *
 * @param bytes the frame without an {@code id} line; must not be modified
 * @param idOffset where the {@code id} line goes, after the comment and {@code event}
 * lines
 * @since 0.1.0
 */
public record UnnumberedFrame(byte[] bytes, int idOffset) {

	private static final byte[] ID_FIELD = "id: ".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Checks the offset.
	 */
	public UnnumberedFrame {
		Objects.requireNonNull(bytes, "'bytes' must not be null");
		if (idOffset < 0 || idOffset >= bytes.length) {
			throw new IllegalArgumentException("'idOffset' must be within the frame, was " + idOffset);
		}
	}

	/**
	 * Encodes an event that has no id yet.
	 * @param event the event, without an id
	 * @return the frame
	 */
	public static UnnumberedFrame of(SseEvent event) {
		if (event.id() != null) {
			throw new IllegalArgumentException("'id' must be null in an unnumbered frame");
		}
		return new UnnumberedFrame(SseEncoder.encode(event), SseEncoder.idOffset(event));
	}

	/**
	 * Returns the frame with its id.
	 * @param id the id, non-empty, without CR, LF or U+0000
	 * @return a new array holding the complete frame
	 */
	public byte[] withId(String id) {
		byte[] value = id.getBytes(StandardCharsets.UTF_8);
		byte[] frame = new byte[this.bytes.length + ID_FIELD.length + value.length + 1];
		System.arraycopy(this.bytes, 0, frame, 0, this.idOffset);
		int at = this.idOffset;
		System.arraycopy(ID_FIELD, 0, frame, at, ID_FIELD.length);
		at += ID_FIELD.length;
		System.arraycopy(value, 0, frame, at, value.length);
		at += value.length;
		frame[at++] = '\n';
		System.arraycopy(this.bytes, this.idOffset, frame, at, this.bytes.length - this.idOffset);
		return frame;
	}

}
