package dev.eventstream.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a load run covers and for how long.
 *
 * @param mode {@code quick}, {@code full} or {@code smoke}
 * @param servers the servers to run, in order
 * @param sizes the numbers of streams for the idle and broadcast scenarios
 * @param sustainedSize the number of streams of the sustained scenario
 * @param broadcast how long each 64-byte broadcast at 50/s lasts
 * @param largeBroadcast how long each 4 KiB broadcast at 50/s lasts
 * @param sustained how long the 10 events/s scenario lasts
 * @param burstClients streams of the burst scenario
 * @param burstEvents events of the burst scenario; 0 skips it
 * @param burstLimit the longest the burst may take
 * @param slowClients streams of the slow-consumer scenario, a tenth of which stop
 * reading; 0 skips it
 * @param slow how long the slow-consumer scenario lasts
 * @param connectRate connects per second
 * @param drain how long to wait for the last events after publishing stopped
 * @param deadClients streams of the dead-clients scenario, whose clients all close before
 * two broadcasts; 0 skips it
 * @param benchmarksDir the {@code benchmarks} folder, where the server jars are built
 * @param out where results are written
 * @param flightRecording whether the starter and hand-written Servlet servers record a
 * JFR file
 * @param sampleJettyJar the sample app's jar built with {@code -Pjetty}, for
 * {@code sample-app-jetty}; {@code null} skips that server
 */
record RunOptions(String mode, List<ServerKind> servers, List<Integer> sizes, int sustainedSize, Duration broadcast,
		Duration largeBroadcast, Duration sustained, int burstClients, int burstEvents, Duration burstLimit,
		int slowClients, Duration slow, int connectRate, Duration drain, int deadClients, Path benchmarksDir, Path out,
		boolean flightRecording, @Nullable Path sampleJettyJar) {

	static final List<ServerKind> ALL = List.of(ServerKind.STARTER, ServerKind.STARTER_JETTY,
			ServerKind.STARTER_SMALL_BUFFERS, ServerKind.MVC, ServerKind.WEBFLUX, ServerKind.SERVLET,
			ServerKind.SERVLET_JETTY, ServerKind.RAW, ServerKind.STARTER_REDIS_CLUSTER, ServerKind.SAMPLE_APP,
			ServerKind.SAMPLE_APP_JETTY);

	/** Under about five minutes for every server on a 2-core machine. */
	static RunOptions quick(Path benchmarksDir, Path out) {
		return new RunOptions("quick", ALL, List.of(1000, 10000), 10000, Duration.ofSeconds(4), Duration.ofSeconds(3),
				Duration.ofSeconds(8), 1000, 5000, Duration.ofSeconds(10), 1000, Duration.ofSeconds(5), 2000,
				Duration.ofSeconds(3), 10000, benchmarksDir, out, false, null);
	}

	/**
	 * Longer phases, 5,000 events in the burst and 20,000 streams where the file limit
	 * allows.
	 */
	static RunOptions full(Path benchmarksDir, Path out) {
		return new RunOptions("full", ALL, List.of(1000, 10000, 20000), 10000, Duration.ofSeconds(20),
				Duration.ofSeconds(10), Duration.ofSeconds(60), 1000, 5000, Duration.ofSeconds(120), 1000,
				Duration.ofSeconds(30), 2000, Duration.ofSeconds(10), 10000, benchmarksDir, out, false, null);
	}

	/** Tiny sizes, to check that every part works. */
	static RunOptions smoke(List<ServerKind> servers, Path benchmarksDir, Path out) {
		return new RunOptions("smoke", servers, List.of(20), 20, Duration.ofMillis(400), Duration.ofMillis(200),
				Duration.ofMillis(300), 20, 50, Duration.ofSeconds(5), 20, Duration.ofMillis(300), 500,
				Duration.ofSeconds(5), 20, benchmarksDir, out, false, null);
	}

	RunOptions withServers(List<ServerKind> servers) {
		return new RunOptions(this.mode, servers, this.sizes, this.sustainedSize, this.broadcast, this.largeBroadcast,
				this.sustained, this.burstClients, this.burstEvents, this.burstLimit, this.slowClients, this.slow,
				this.connectRate, this.drain, this.deadClients, this.benchmarksDir, this.out, this.flightRecording,
				this.sampleJettyJar);
	}

	/** Keeps the idle and broadcast scenarios only. */
	RunOptions withoutBurstAndSlowConsumers() {
		return new RunOptions(this.mode, this.servers, this.sizes, this.sustainedSize, this.broadcast,
				this.largeBroadcast, this.sustained, this.burstClients, 0, this.burstLimit, 0, this.slow,
				this.connectRate, this.drain, this.deadClients, this.benchmarksDir, this.out, this.flightRecording,
				this.sampleJettyJar);
	}

	/**
	 * Keeps the dead-clients scenario only: no idle, broadcast, burst or slow-consumer
	 * phases.
	 */
	RunOptions onlyDeadClients() {
		return new RunOptions(this.mode, this.servers, List.of(), this.sustainedSize, this.broadcast,
				this.largeBroadcast, this.sustained, this.burstClients, 0, this.burstLimit, 0, this.slow,
				this.connectRate, this.drain, this.deadClients, this.benchmarksDir, this.out, this.flightRecording,
				this.sampleJettyJar);
	}

	/** Runs the idle and broadcast scenarios at the given numbers of streams only. */
	RunOptions withSizes(List<Integer> sizes) {
		return new RunOptions(this.mode, this.servers, sizes, this.sustainedSize, this.broadcast, this.largeBroadcast,
				this.sustained, this.burstClients, this.burstEvents, this.burstLimit, this.slowClients, this.slow,
				this.connectRate, this.drain, this.deadClients, this.benchmarksDir, this.out, this.flightRecording,
				this.sampleJettyJar);
	}

	RunOptions withSampleJettyJar(Path jar) {
		return new RunOptions(this.mode, this.servers, this.sizes, this.sustainedSize, this.broadcast,
				this.largeBroadcast, this.sustained, this.burstClients, this.burstEvents, this.burstLimit,
				this.slowClients, this.slow, this.connectRate, this.drain, this.deadClients, this.benchmarksDir,
				this.out, this.flightRecording, jar);
	}

	RunOptions withFlightRecording() {
		return new RunOptions(this.mode, this.servers, this.sizes, this.sustainedSize, this.broadcast,
				this.largeBroadcast, this.sustained, this.burstClients, this.burstEvents, this.burstLimit,
				this.slowClients, this.slow, this.connectRate, this.drain, this.deadClients, this.benchmarksDir,
				this.out, true, this.sampleJettyJar);
	}

}
