package dev.eventstream.benchmarks.load;

import java.util.List;

/**
 * Everything one run measured, as written to {@code results.json}.
 *
 * @param mode {@code quick}, {@code full} or {@code smoke}
 * @param started when the run started (ISO-8601)
 * @param machine the machine
 * @param jmh the JMH results
 * @param idle idle streams per server and size
 * @param load every load phase per server
 * @param deadClients the release of streams whose clients closed, per server
 * @param notes what did not go as asked
 */
record RunReport(String mode, String started, Machine machine, List<JmhResult> jmh, List<IdleResult> idle,
		List<LoadResult> load, List<DeadClientsResult> deadClients, List<String> notes) {
}
