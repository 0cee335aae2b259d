package dev.eventstream.sse.autoconfigure.container;

/**
 * Connections the web server must be able to hold: {@code sse.max-connections} streams
 * plus headroom for every other request (health checks, publishing, pages), so that the
 * starter refuses a stream with {@code 503} before the web server stops accepting
 * connections.
 *
 * @param streams the streams the SSE server holds at most ({@code sse.max-connections})
 * @param headroom the connections left for other requests
 */
record ConnectionCeiling(int streams, int headroom) {

	/** Headroom for other requests when few streams are allowed. */
	static final int MIN_HEADROOM = 1000;

	/**
	 * Returns the ceiling for the given stream limit, with a headroom of a tenth of it,
	 * and at least {@value #MIN_HEADROOM}.
	 * @param streams the streams the SSE server holds at most
	 * @return the ceiling
	 */
	static ConnectionCeiling of(int streams) {
		return new ConnectionCeiling(streams, Math.max(MIN_HEADROOM, streams / 10));
	}

	/**
	 * Returns the connection limit the starter gives the web server.
	 * @return the streams plus the headroom
	 */
	int containerLimit() {
		return (int) Math.min(Integer.MAX_VALUE, (long) this.streams + this.headroom);
	}

	/**
	 * Returns whether a web server connection limit lets the SSE limit answer first: it
	 * is unlimited (negative), or above the stream limit.
	 * @param containerLimit the web server's connection limit, negative for none
	 * @return whether the two fit together
	 */
	boolean fits(int containerLimit) {
		return containerLimit < 0 || containerLimit > this.streams;
	}

}
