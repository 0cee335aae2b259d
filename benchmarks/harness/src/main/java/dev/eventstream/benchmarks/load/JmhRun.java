package dev.eventstream.benchmarks.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks with the {@code gc} profiler and sums up their results.
 */
final class JmhRun {

	private static final String BENCHMARKS = "dev\\.eventstream\\.benchmarks\\.jmh\\..*";

	private JmhRun() {
	}

	/**
	 * Forked, with warm-up: the figures to report. {@code quick} runs fewer and shorter
	 * iterations.
	 */
	static List<JmhResult> run(boolean quick, Path json) throws RunnerException {
		ChainedOptionsBuilder options = new OptionsBuilder().include(BENCHMARKS)
			.addProfiler(GCProfiler.class)
			.forks(quick ? 1 : 2)
			.warmupIterations(quick ? 2 : 5)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(quick ? 3 : 5)
			.measurementTime(TimeValue.seconds(quick ? 1 : 2))
			.jvmArgsAppend("-Xms1g", "-Xmx1g")
			.resultFormat(ResultFormatType.JSON)
			.result(json.toString());
		return summarize(new Runner(options.build()).run());
	}

	/**
	 * In this JVM, one short iteration of each benchmark with its smallest parameters: a
	 * smoke test.
	 */
	static List<JmhResult> smoke(Path json) throws RunnerException {
		ChainedOptionsBuilder options = new OptionsBuilder().include(BENCHMARKS)
			.addProfiler(GCProfiler.class)
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(200))
			.param("payloadBytes", "64")
			.param("connections", "100")
			.resultFormat(ResultFormatType.JSON)
			.result(json.toString());
		return summarize(new Runner(options.build()).run());
	}

	private static List<JmhResult> summarize(Collection<RunResult> results) {
		List<JmhResult> summary = new ArrayList<>();
		for (RunResult run : results) {
			Result<?> primary = run.getPrimaryResult();
			Map<String, Result> secondary = run.getSecondaryResults();
			Result<?> allocated = secondary.get("gc.alloc.rate.norm");
			Result<?> bytes = secondary.get("bytes");
			String label = run.getParams().getBenchmark();
			String params = run.getParams()
				.getParamsKeys()
				.stream()
				.map((key) -> key + "=" + run.getParams().getParam(key))
				.collect(Collectors.joining(", "));
			summary.add(new JmhResult(label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1), params,
					primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
					(allocated != null) ? allocated.getScore() : -1, (bytes != null) ? bytes.getScore() / 1e6 : -1));
		}
		return summary;
	}

}
