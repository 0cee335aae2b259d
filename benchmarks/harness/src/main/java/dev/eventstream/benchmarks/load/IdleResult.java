package dev.eventstream.benchmarks.load;

/**
 * One server holding idle streams: how fast they were accepted, and what each costs.
 *
 * @param server the server's label
 * @param connections streams asked for
 * @param held streams open after the connect phase and the first event
 * @param failed streams that could not be opened or were closed by the server
 * @param connectRateAsked connects per second asked for
 * @param connectRateAchieved connects per second actually started
 * @param firstBytesBeforeEvent streams that received response bytes before any event was
 * published
 * @param firstByteP99Millis 99th percentile of connect to first response byte, over those
 * streams; -1 when the server sends nothing before the first event
 * @param firstByteMaxMillis the maximum of the same
 * @param readyMillis from the last connect to every stream having received a first event
 * @param liveHeapPerStreamBytes live heap after a full GC with the streams open, less the
 * same with none, per stream
 * @param rssBytes resident set size of the server with the streams open
 * @param threads thread count of the server with the streams open
 */
record IdleResult(String server, int connections, int held, int failed, double connectRateAsked,
		double connectRateAchieved, int firstBytesBeforeEvent, double firstByteP99Millis, double firstByteMaxMillis,
		double readyMillis, double liveHeapPerStreamBytes, long rssBytes, int threads) {
}
