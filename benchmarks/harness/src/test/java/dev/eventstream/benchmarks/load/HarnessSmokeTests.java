package dev.eventstream.benchmarks.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every part of the benchmark harness, run with tiny sizes so that it cannot rot: the JMH
 * benchmarks, each server under test started as a process, the load generator, and the
 * reports. The figures themselves mean nothing here.
 */
class HarnessSmokeTests {

	@TempDir
	Path out;

	@Test
	void everyJmhBenchmarkRunsWithTheGcProfiler() throws Exception {
		List<JmhResult> results = JmhRun.smoke(this.out.resolve("jmh.json"));

		assertThat(results).extracting(JmhResult::benchmark)
			.containsExactlyInAnyOrder("EncodeBenchmark.encode", "FanOutBenchmark.broadcast", "ParserBenchmark.parse");
		assertThat(results).allSatisfy((result) -> assertThat(result.score()).isPositive());
		assertThat(results).filteredOn((result) -> result.benchmark().startsWith("Encode"))
			.singleElement()
			.satisfies((result) -> assertThat(result.allocatedBytesPerOp()).isGreaterThan(64));
		assertThat(results).filteredOn((result) -> result.benchmark().startsWith("Parser"))
			.singleElement()
			.satisfies((result) -> assertThat(result.megabytesPerSecond()).isPositive());
	}

	@Test
	void rawServerGoesThroughEveryScenarioAndTheReportsAreWritten() throws Exception {
		RunOptions options = RunOptions.smoke(List.of(ServerKind.RAW), Harness.defaultBenchmarksDir(), this.out);

		RunReport report = Harness.run(options, false, true);

		assertThat(report.notes()).isEmpty();
		assertThat(report.idle()).singleElement().satisfies((idle) -> {
			assertThat(idle.held()).isEqualTo(20);
			assertThat(idle.threads()).isPositive();
			assertThat(idle.firstBytesBeforeEvent()).isEqualTo(20);
		});
		assertThat(report.load()).extracting(LoadResult::scenario)
			.containsExactly("broadcast-64B", "broadcast-4KiB", "sustained-10/s", "burst", "slow-consumer");
		assertThat(report.load()).allSatisfy((load) -> {
			assertThat(load.published()).isPositive();
			assertThat(load.lost()).isZero();
			assertThat(load.duplicated()).isZero();
			assertThat(load.outOfOrder()).isZero();
			assertThat(load.cpuSeconds()).isNotNegative();
		});
		assertThat(report.load().get(4).slowClients()).isEqualTo(2);
		assertThat(report.deadClients()).extracting(DeadClientsResult::scenario)
			.containsExactly("back-to-back", "1 s apart");
		assertThat(report.deadClients()).allSatisfy((dead) -> {
			assertThat(dead.countedBefore()).isEqualTo(20);
			assertThat(dead.left()).isZero();
		});
		assertThat(Files.readString(this.out.resolve("results.json"))).contains("\"scenario\": \"slow-consumer\"");
		assertThat(Files.readString(this.out.resolve("results.md"))).contains("| raw-nio | burst |");
		assertThat(Files.size(this.out.resolve("chart.png"))).isPositive();
	}

	@Test
	void deadClientsScenarioWatchesTheStarterReleaseStreamsWhoseClientsClosed() throws Exception {
		RunOptions options = RunOptions.smoke(List.of(ServerKind.STARTER), Harness.defaultBenchmarksDir(), this.out)
			.onlyDeadClients();

		RunReport report = Harness.run(options, false, true);

		assertThat(report.notes()).isEmpty();
		assertThat(report.idle()).isEmpty();
		assertThat(report.load()).isEmpty();
		assertThat(report.deadClients()).extracting(DeadClientsResult::scenario)
			.containsExactly("back-to-back", "1 s apart");
		assertThat(report.deadClients()).allSatisfy((dead) -> {
			assertThat(dead.server()).isEqualTo("starter");
			assertThat(dead.streams()).isEqualTo(20);
			assertThat(dead.countedBefore()).isEqualTo(20);
			assertThat(dead.releasedMillis()).isNotNegative();
			assertThat(dead.left()).isZero();
			assertThat(dead.note()).isEmpty();
		});
		assertThat(report.deadClients().get(1).countedAtSecond()).isBetween(0, 20);
		assertThat(Files.readString(this.out.resolve("results.json"))).contains("\"scenario\": \"1 s apart\"");
		assertThat(Files.readString(this.out.resolve("results.md"))).contains("| starter | back-to-back | 20 | 20 |");
	}

	@Test
	void clusterScenarioCarriesEveryEventFromOneStarterServerThroughRedisToTheOther() throws Exception {
		RunOptions options = RunOptions.smoke(List.of(ServerKind.STARTER_REDIS_CLUSTER), Harness.defaultBenchmarksDir(),
				this.out);

		RunReport report = Harness.run(options, false, true);

		assertThat(report.notes()).isEmpty();
		assertThat(report.load()).extracting(LoadResult::scenario)
			.containsExactly("cross-instance-64B", "cross-instance-burst");
		assertThat(report.load()).allSatisfy((load) -> {
			assertThat(load.server()).isEqualTo("starter-redis-cluster");
			assertThat(load.published()).isPositive();
			assertThat(load.received()).isEqualTo(load.expected());
			assertThat(load.lost() + load.duplicated() + load.outOfOrder()).isZero();
		});
	}

	@Test
	void topicScenarioDeliversEachTopicsEventsToItsSubscribersOnlyInOrderPublishedBothWays() throws Exception {
		RunOptions options = RunOptions.smoke(List.of(ServerKind.STARTER), Harness.defaultBenchmarksDir(), this.out);

		RunReport report = Harness.run(options, false, false, TopicRun.sizes("smoke"));

		assertThat(report.notes()).isEmpty();
		assertThat(report.load()).extracting(LoadResult::scenario)
			.containsExactly("broadcast-64B", "broadcast-matched-10/s", "topics-4x5", "topics-4x5-batched");
		assertThat(report.load()).allSatisfy((load) -> {
			assertThat(load.server()).isEqualTo("starter");
			assertThat(load.connections()).isEqualTo(20);
			assertThat(load.published()).isPositive();
			assertThat(load.received()).isEqualTo(load.expected());
			assertThat(load.lost() + load.duplicated() + load.outOfOrder()).isZero();
		});
		assertThat(report.load().subList(2, 4)).allSatisfy((topics) -> {
			assertThat(topics.expected()).isEqualTo(topics.published() * 5L);
			assertThat(topics.note()).contains("wrong-topic events 0");
		});
		assertThat(report.load().get(2).note()).doesNotContain("publish call");
		assertThat(report.load().get(3).note()).contains("1 publishing connection, 10 batches/s of 4")
			.containsPattern("publish call p50 / p99 / max [0-9.]+ / [0-9.]+ / [0-9.]+ µs \\(server, [0-9]+ calls\\)");
		assertThat(Files.readString(this.out.resolve("results.md"))).contains("| starter | topics-4x5 |")
			.contains("| starter | topics-4x5-batched |");
	}

	@ParameterizedTest
	@EnumSource(names = { "STARTER", "STARTER_JETTY" })
	void starterServerPublishesABatchOfTopicEventsInOrderAndAnswersEachCallsTime(ServerKind kind) throws Exception {
		RunOptions options = RunOptions.smoke(List.of(kind), Harness.defaultBenchmarksDir(), this.out);
		try (ServerProcess server = ServerProcess.start(kind, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), options,
				this.out.resolve(kind.label() + ".log"), Duration.ofSeconds(90));
				LoadGenerator generator = new LoadGenerator(server.address(), 1);
				Publisher publisher = new Publisher(server.address());
				TopicBatchPublisher batches = new TopicBatchPublisher(server.address())) {
			List<ClientStream> streams = generator
				.connect(6, 500, 0, Duration.ofSeconds(10), (i) -> "&topic=t" + (i % 3))
				.streams();
			assertThat(publisher.publishUntilEveryStreamHasOne(new Phase(1_000, 40), generator, streams,
					Duration.ofMillis(250)))
				.isTrue();
			Map<ClientStream, BitSet> expected = new IdentityHashMap<>();
			for (int i = 0; i < streams.size(); i++) {
				int topic = i % 3;
				BitSet events = new BitSet();
				IntStream.range(0, 30).filter((k) -> k % 3 == topic).forEach(events::set);
				expected.put(streams.get(i), events);
			}

			Phase phase = new Phase(2_000, 30);
			generator.begin(phase);
			// 30 events at 100/s over 3 topics: 3 batches of 10, a tenth of a second
			// apart
			TopicPublisher.Result published = batches.publish(phase, 30, 100, 3, 64, Duration.ofSeconds(10));

			assertThat(published.failure()).isNull();
			assertThat(published.acked().cardinality()).isEqualTo(30);
			assertThat(published.postMicros().count()).isEqualTo(3);
			assertThat(published.callNanos().count()).isEqualTo(30);
			assertThat(published.callNanos().max()).isPositive();
			assertThat(generator.awaitDelivery(streams, 10, Duration.ofSeconds(10))).isTrue();
			List<Integer> wrong = generator.summarize((held) -> (int) held.stream()
				.filter((stream) -> !Objects.equals(stream.seen, expected.get(stream)) || stream.duplicates > 0
						|| stream.outOfOrder > 0)
				.count());
			assertThat(wrong).containsOnly(0);
			assertThat(publisher.post(TopicBatchPublisher.PATH, "text/plain", "t0\n", Duration.ofSeconds(10)))
				.isEqualTo(400);
			Publisher.Answer refused = publisher.postForAnswer(TopicBatchPublisher.PATH, "text/plain",
					"t0 1 published\nt\u0001 2 refused\n", Duration.ofSeconds(10));
			assertThat(refused.status()).isEqualTo(400);
			assertThat(TopicBatchPublisher.number(refused.body(), "ids")).isEqualTo(1L);
			assertThat(TopicBatchPublisher.numbers(refused.body(), "nanos")).hasSize(1);
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "STARTER", "STARTER_JETTY", "MVC", "WEBFLUX", "SERVLET", "SERVLET_JETTY", "SAMPLE_APP" })
	void springServerStartsAsAProcessAndDeliversEveryEvent(ServerKind kind) throws Exception {
		RunOptions options = RunOptions.smoke(List.of(kind), Harness.defaultBenchmarksDir(), this.out);
		try (ServerProcess server = ServerProcess.start(kind, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), options,
				this.out.resolve(kind.label() + ".log"), Duration.ofSeconds(90));
				LoadGenerator generator = new LoadGenerator(server.address(), 1);
				Publisher publisher = new Publisher(server.address(), kind.publishesJson())) {
			List<ClientStream> streams = generator.connect(10, 500, 0, Duration.ofSeconds(10)).streams();
			assertThat(publisher.publishUntilEveryStreamHasOne(new Phase(1_000, 40), generator, streams,
					Duration.ofMillis(250)))
				.isTrue();

			Phase phase = new Phase(2_000, 5);
			generator.begin(phase);
			assertThat(publisher.publish(phase, 5, 0, 4096, Duration.ofSeconds(10)).acked()).isEqualTo(5);

			assertThat(generator.awaitDelivery(streams, 5, Duration.ofSeconds(10))).isTrue();
			PhaseStats stats = generator.collect(5);
			assertThat(stats.received).isEqualTo(50);
			assertThat(stats.lost + stats.duplicated + stats.outOfOrder).isZero();
			if (kind.countsStreams()) {
				assertThat(publisher.get("/bench/connections", Duration.ofSeconds(10)).trim()).isEqualTo("10");
			}
			assertThat(server.cpuTime()).isPositive();
			assertThat(server.threads()).isPositive();
		}
	}

}
