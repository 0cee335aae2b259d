package dev.eventstream.sse.redis;

import org.jspecify.annotations.Nullable;

/**
 * Orders Redis Stream entry ids: {@code <milliseconds>-<sequence>}, or milliseconds alone
 * for sequence zero.
 */
final class StreamIds {

	private StreamIds() {
	}

	/**
	 * Compares two ids by their order in a stream; text that is no entry id comes before
	 * every id.
	 */
	static int compare(String id, String otherId) {
		long[] a = parse(id);
		long[] b = parse(otherId);
		if (a == null || b == null) {
			return (a == null) ? ((b == null) ? 0 : -1) : 1;
		}
		int byTime = Long.compareUnsigned(a[0], b[0]);
		return (byTime != 0) ? byTime : Long.compareUnsigned(a[1], b[1]);
	}

	static boolean isValid(String id) {
		return parse(id) != null;
	}

	private static long @Nullable [] parse(String id) {
		int dash = id.indexOf('-');
		String time = (dash < 0) ? id : id.substring(0, dash);
		String sequence = (dash < 0) ? "0" : id.substring(dash + 1);
		if (!isDigits(time) || !isDigits(sequence)) {
			return null;
		}
		try {
			return new long[] { Long.parseUnsignedLong(time), Long.parseUnsignedLong(sequence) };
		}
		catch (NumberFormatException ex) {
			return null; // more than 64 bits
		}
	}

	private static boolean isDigits(String text) {
		if (text.isEmpty() || text.length() > 20) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

}
