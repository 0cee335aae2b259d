package dev.eventstream.benchmarks.load;

/**
 * One server under one load: what was published, what the streams received, and what it
 * cost the server.
 *
 * @param server the server's label
 * @param scenario the scenario's name
 * @param connections streams that took part (open and reading when the phase began)
 * @param payloadBytes size of each event's data
 * @param askedRate events per second asked for; 0 for as fast as possible
 * @param published events whose POST was answered with 2xx
 * @param expected published times participants
 * @param received distinct published events received, over all participants
 * @param lost expected less received
 * @param duplicated events received again by the same stream
 * @param outOfOrder events received after a later one by the same stream
 * @param p50Millis delivery latency (publish to receipt), median
 * @param p90Millis delivery latency, 90th percentile
 * @param p99Millis delivery latency, 99th percentile
 * @param maxMillis delivery latency, maximum
 * @param deliveredPerSecond events received per second over all streams
 * @param achievedRate events published per second
 * @param postP50Millis time of a POST, median
 * @param postMaxMillis time of a POST, maximum
 * @param cpuSeconds server CPU time (user and system) during the phase
 * @param cpuMicrosPerEvent server CPU time per delivered event
 * @param jitMicrosPerEvent the part of it the JIT compiler threads used: compiling, which
 * a server in its steady state no longer does
 * @param rssBytes resident set size of the server at the end
 * @param threads thread count of the server at the end
 * @param slowClients streams that stopped reading during the phase
 * @param slowClosed of those, the ones the server closed
 * @param closed participating streams the server closed during the phase (their later
 * events count as lost: the load generator does not reconnect)
 * @param note what stopped the phase early, if anything
 */
record LoadResult(String server, String scenario, int connections, int payloadBytes, double askedRate, int published,
		long expected, long received, long lost, long duplicated, long outOfOrder, double p50Millis, double p90Millis,
		double p99Millis, double maxMillis, double deliveredPerSecond, double achievedRate, double postP50Millis,
		double postMaxMillis, double cpuSeconds, double cpuMicrosPerEvent, double jitMicrosPerEvent, long rssBytes,
		int threads, int slowClients, int slowClosed, int closed, String note) {
}
