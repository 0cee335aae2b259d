package dev.eventstream.benchmarks.load;

/**
 * One JMH benchmark's result.
 *
 * @param benchmark the benchmark method
 * @param params its parameters, as {@code name=value} pairs
 * @param score the primary score
 * @param error the score's 99.9% error, or NaN with too few iterations
 * @param unit the score's unit
 * @param allocatedBytesPerOp bytes allocated per operation, from the {@code gc} profiler
 * @param megabytesPerSecond bytes parsed per second in millions, for the parser;
 * otherwise -1
 */
record JmhResult(String benchmark, String params, double score, double error, String unit, double allocatedBytesPerOp,
		double megabytesPerSecond) {
}
