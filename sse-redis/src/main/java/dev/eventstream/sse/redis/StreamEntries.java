package dev.eventstream.sse.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.eventstream.sse.server.Audience;
import dev.eventstream.sse.server.UnnumberedFrame;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.stream.ByteRecord;

/**
 * How an event is laid out in an entry of the stream: the encoded frame, the offset at
 * which its id goes, and its audience (a source, a topic, or neither for everyone).
 * Written by {@link RedisSseCluster#append}, read back by the reader and the replay.
 *
 * @param <T> the type of source ids
 */
final class StreamEntries<T> {

	private static final byte[] TARGET = bytes("t");

	private static final byte[] TOPIC = bytes("p");

	private static final byte[] FRAME = bytes("f");

	private static final byte[] ID_OFFSET = bytes("o");

	private final SourceIdCodec<T> codec;

	StreamEntries(SourceIdCodec<T> codec) {
		this.codec = codec;
	}

	/** Returns the fields of the entry of an event. */
	Map<byte[], byte[]> fields(Audience<T> audience, UnnumberedFrame frame) {
		Map<byte[], byte[]> fields = new HashMap<>(4);
		if (audience.source() != null) {
			fields.put(TARGET, bytes(this.codec.encode(audience.source())));
		}
		if (audience.topic() != null) {
			fields.put(TOPIC, bytes(audience.topic()));
		}
		fields.put(FRAME, frame.bytes());
		fields.put(ID_OFFSET, bytes(Integer.toString(frame.idOffset())));
		return fields;
	}

	Audience<T> audience(ByteRecord entry) {
		byte[] target = field(entry, TARGET);
		if (target != null) {
			return Audience.source(this.codec.decode(new String(target, StandardCharsets.UTF_8)));
		}
		byte[] topic = field(entry, TOPIC);
		return (topic != null) ? Audience.topic(new String(topic, StandardCharsets.UTF_8)) : Audience.everyone();
	}

	/**
	 * Returns the entry's frame with the entry's id as event id.
	 * @throws IllegalStateException if the entry holds no event
	 */
	byte[] frame(ByteRecord entry) {
		byte[] frame = field(entry, FRAME);
		byte[] offset = field(entry, ID_OFFSET);
		if (frame == null || offset == null) {
			throw new IllegalStateException("Entry " + entry.getId() + " is not an SSE event");
		}
		int idOffset = Integer.parseInt(new String(offset, StandardCharsets.US_ASCII));
		return new UnnumberedFrame(frame, idOffset).withId(entry.getId().getValue());
	}

	private static byte @Nullable [] field(ByteRecord entry, byte[] name) {
		for (Map.Entry<byte[], byte[]> field : entry.getValue().entrySet()) {
			if (Arrays.equals(field.getKey(), name)) {
				return field.getValue();
			}
		}
		return null;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
