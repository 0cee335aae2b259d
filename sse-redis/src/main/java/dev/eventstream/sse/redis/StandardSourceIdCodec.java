package dev.eventstream.sse.redis;

import java.util.UUID;

/**
 * The codec of {@link SourceIdCodec#standard()}: a type letter, a colon, then the id's
 * text.
 */
final class StandardSourceIdCodec implements SourceIdCodec<Object> {

	static final StandardSourceIdCodec INSTANCE = new StandardSourceIdCodec();

	private StandardSourceIdCodec() {
	}

	@Override
	public String encode(Object sourceId) {
		if (sourceId instanceof String text) {
			return "s:" + text;
		}
		if (sourceId instanceof Long number) {
			return "l:" + number;
		}
		if (sourceId instanceof Integer number) {
			return "i:" + number;
		}
		if (sourceId instanceof UUID uuid) {
			return "u:" + uuid;
		}
		throw new IllegalArgumentException("Source id of type " + sourceId.getClass().getName()
				+ " has no standard encoding: declare a SourceIdCodec for it");
	}

	@Override
	public Object decode(String text) {
		if (text.length() < 2 || text.charAt(1) != ':') {
			throw new IllegalArgumentException("'" + text + "' is not an encoded source id");
		}
		String value = text.substring(2);
		switch (text.charAt(0)) {
			case 's':
				return value;
			case 'l':
				return Long.valueOf(value);
			case 'i':
				return Integer.valueOf(value);
			case 'u':
				return UUID.fromString(value);
			default:
				throw new IllegalArgumentException("'" + text + "' is not an encoded source id");
		}
	}

}
