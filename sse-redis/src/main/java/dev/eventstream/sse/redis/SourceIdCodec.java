package dev.eventstream.sse.redis;

import java.util.UUID;

/**
 * Turns source ids into strings and back, so that an event for one source can travel
 * through Redis to the server that holds the source's connections.
 *
 * @param <T> the type of source ids
 * @since 0.1.0
 */
public interface SourceIdCodec<T> {

	/**
	 * Encodes a source id.
	 * @param sourceId the id
	 * @return its text, which {@link #decode} turns back into an equal id
	 */
	String encode(T sourceId);

	/**
	 * Decodes a source id.
	 * @param text what {@link #encode} returned
	 * @return the id
	 */
	T decode(String text);

	/**
	 * Returns the codec for {@link String}, {@link Long}, {@link Integer} and
	 * {@link UUID} ids. Each text starts with a letter naming the type, so ids of these
	 * types may even be mixed.
	 * @return the codec
	 */
	static SourceIdCodec<Object> standard() {
		return StandardSourceIdCodec.INSTANCE;
	}

}
