package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.runner.RunnerException;

/**
 * The benchmark command: JMH benchmarks of the hot path, then every server under every
 * load scenario (the standard ones end with the dead-clients scenario, which
 * {@code --scenarios dead-clients} runs alone), written as {@code results.json},
 * {@code results.md} and {@code chart.png}.
 *
 * <pre>
 * java -jar benchmarks/harness/target/benchmarks.jar [--quick | --full | --smoke] [--servers a,b]
 *      [--out DIR] [--benchmarks-dir DIR] [--no-jmh] [--no-load] [--jfr]
 *      [--scenarios standard,dead-clients,topics] [--topic-sizes 1000x100@1000,10000x1000@1000]
 *      [--topic-publish http,batched] [--sizes 1000,10000] [--sample-jetty-jar FILE]
 * </pre>
 *
 * @since 0.1.0
 */
public final class Harness {

	private Harness() {
	}

	/**
	 * Runs the benchmarks.
	 * @param args the options above
	 * @throws Exception if a run cannot complete
	 */
	public static void main(String[] args) throws Exception {
		List<String> arguments = Arrays.asList(args);
		String mode = arguments.contains("--full") ? "full" : arguments.contains("--smoke") ? "smoke" : "quick";
		Path out = Path.of(value(arguments, "--out", "benchmark-results/"
				+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + mode));
		Path benchmarksDir = Path.of(value(arguments, "--benchmarks-dir", defaultBenchmarksDir().toString()));
		RunOptions options = switch (mode) {
			case "full" -> RunOptions.full(benchmarksDir, out);
			case "smoke" -> RunOptions.smoke(RunOptions.ALL, benchmarksDir, out);
			default -> RunOptions.quick(benchmarksDir, out);
		};
		String servers = value(arguments, "--servers");
		if (servers != null) {
			options = options.withServers(Arrays.stream(servers.split(",")).map(ServerKind::of).toList());
		}
		String streamCounts = value(arguments, "--sizes");
		if (streamCounts != null) {
			options = options.withSizes(Arrays.stream(streamCounts.split(",")).map(Integer::valueOf).toList());
		}
		String sampleJettyJar = value(arguments, "--sample-jetty-jar");
		if (sampleJettyJar != null) {
			options = options.withSampleJettyJar(Path.of(sampleJettyJar));
		}
		if (arguments.contains("--jfr")) {
			options = options.withFlightRecording();
		}
		List<String> scenarios = Arrays.asList(value(arguments, "--scenarios", "standard").split(","));
		boolean standard = scenarios.contains("standard");
		if (!standard && scenarios.contains("dead-clients")) {
			options = options.onlyDeadClients();
		}
		String topicSizes = value(arguments, "--topic-sizes");
		List<TopicRun.Size> sizes = (topicSizes != null)
				? Arrays.stream(topicSizes.split(",")).map(TopicRun.Size::parse).toList() : TopicRun.sizes(mode);
		List<TopicRun.Publishing> publishing = TopicRun.Publishing
			.parse(value(arguments, "--topic-publish", "http,batched"));
		RunReport report = run(options, !arguments.contains("--no-jmh"),
				!arguments.contains("--no-load") && (standard || scenarios.contains("dead-clients")),
				scenarios.contains("topics") ? sizes : List.of(), publishing);
		System.out.println();
		System.out.println(MarkdownReport.render(report));
		System.out.println("Results in " + out.toAbsolutePath());
	}

	/** Runs JMH and the load scenarios as asked, and writes the three result files. */
	static RunReport run(RunOptions options, boolean jmh, boolean load)
			throws IOException, InterruptedException, RunnerException {
		return run(options, jmh, load, List.of());
	}

	/**
	 * Runs as above, then the topics scenario at the given sizes (none: skipped),
	 * publishing both ways.
	 */
	static RunReport run(RunOptions options, boolean jmh, boolean load, List<TopicRun.Size> topicSizes)
			throws IOException, InterruptedException, RunnerException {
		return run(options, jmh, load, topicSizes, List.of(TopicRun.Publishing.HTTP, TopicRun.Publishing.BATCHED));
	}

	/**
	 * Runs as above, then the topics scenario at the given sizes (none: skipped),
	 * publishing its events in the given ways.
	 */
	static RunReport run(RunOptions options, boolean jmh, boolean load, List<TopicRun.Size> topicSizes,
			List<TopicRun.Publishing> topicPublishing) throws IOException, InterruptedException, RunnerException {
		Files.createDirectories(options.out());
		String started = LocalDateTime.now().toString();
		List<JmhResult> jmhResults = new ArrayList<>();
		if (jmh) {
			Path json = options.out().resolve("jmh.json");
			jmhResults = options.mode().equals("smoke") ? JmhRun.smoke(json)
					: JmhRun.run(options.mode().equals("quick"), json);
		}
		LoadRun run = new LoadRun(options);
		if (load) {
			run.run();
		}
		List<LoadResult> loadResults = new ArrayList<>(run.load());
		List<String> notes = new ArrayList<>(run.notes());
		if (!topicSizes.isEmpty()) {
			TopicRun topics = new TopicRun(options, topicSizes, topicPublishing, TopicRun.phaseLength(options.mode()));
			topics.run();
			loadResults.addAll(topics.load());
			notes.addAll(topics.notes());
		}
		RunReport report = new RunReport(options.mode(), started, Machine.current(), jmhResults, run.idle(),
				loadResults, run.deadClients(), notes);
		Files.writeString(options.out().resolve("results.json"), Json.write(report));
		Files.writeString(options.out().resolve("results.md"), MarkdownReport.render(report));
		Chart.write(report.load(), options.out().resolve("chart.png"));
		return report;
	}

	private static String value(List<String> arguments, String name, String fallback) {
		String value = value(arguments, name);
		return (value != null) ? value : fallback;
	}

	private static @Nullable String value(List<String> arguments, String name) {
		int index = arguments.indexOf(name);
		return (index >= 0 && index + 1 < arguments.size()) ? arguments.get(index + 1) : null;
	}

	/**
	 * The {@code benchmarks} folder: the harness runs from
	 * {@code benchmarks/harness/target/...}.
	 */
	static Path defaultBenchmarksDir() throws URISyntaxException {
		Path location = Path.of(Harness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Path dir = location.toAbsolutePath();
		for (int i = 0; i < 3 && dir != null; i++) {
			dir = dir.getParent();
		}
		if (dir == null) {
			throw new IllegalStateException(
					"No benchmarks folder three levels above " + location + ": pass --benchmarks-dir");
		}
		return dir;
	}

}
